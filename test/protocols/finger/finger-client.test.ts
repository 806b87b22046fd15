import assert from 'node:assert/strict';
import { createServer, type Socket as NetSocket } from 'node:net';
import { test } from 'node:test';
import { finger } from '../../../src/protocols/finger/index.js';
import { SocketError, SocketTimeoutError } from '../../../src/socket/index.js';
import { startLiveFinger } from './live-server.js';

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

test('finger() returns a user record from a polyport finger server', async (t) => {
  const server = await startLiveFinger();
  t.after(() => server.stop());
  const reply = await finger('alice', '127.0.0.1', { port: server.port });
  assert.match(reply, /^Login: alice\s+Name: Alice Liddell\r\n/);
  assert.deepEqual(
    server.requests.map((r) => r.query),
    ['alice'],
  );
});

test('finger() with an empty query returns the user list, and /W the long form', async (t) => {
  const server = await startLiveFinger();
  t.after(() => server.stop());
  assert.match(await finger('', '127.0.0.1', { port: server.port }), /^Login\s+Name\s+Tty/);
  assert.match(await finger('/W', '127.0.0.1', { port: server.port }), /^Login: alice/);
});

test('finger() sends the query with CRLF and nothing else', async (t) => {
  let received = Buffer.alloc(0);
  const server = createServer((conn) => {
    conn.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (received.includes('\n')) conn.end('ok\r\n');
    });
  });
  t.after(() => server.close());
  const port = await listen(server);
  assert.equal(await finger('/W bob', '127.0.0.1', { port }), 'ok\r\n');
  assert.equal(received.toString('latin1'), '/W bob\r\n');
});

test('finger() refuses a query of more than one line with a TypeError', async () => {
  await assert.rejects(finger('bob\r\nalice', '127.0.0.1', { port: 1 }), TypeError);
});

test('finger() rejects with the socket error when nothing listens on the port', async (t) => {
  const server = await startLiveFinger();
  const port = server.port;
  await server.stop();
  t.diagnostic(`port ${port} is closed now`);
  await assert.rejects(finger('bob', '127.0.0.1', { port, timeout: 5 }), (err: unknown) => {
    assert.ok(err instanceof SocketError);
    assert.equal(err.code, 'ECONNREFUSED');
    return true;
  });
});

test('finger() rejects with SocketTimeoutError when the server never answers', async (t) => {
  const held: NetSocket[] = [];
  const server = createServer((conn) => held.push(conn));
  t.after(() => {
    for (const conn of held) conn.destroy();
    server.close();
  });
  const port = await listen(server);
  await assert.rejects(finger('bob', '127.0.0.1', { port, timeout: 0.3 }), SocketTimeoutError);
});

test('finger() stops reading at maxReplyBytes from a server that never stops', async (t) => {
  const server = createServer((conn) => {
    const block = Buffer.alloc(16384, 'x');
    const pump = (): void => {
      while (conn.writable && conn.write(block)) {
        // Fill the socket buffer; drain calls us again.
      }
    };
    conn.on('drain', pump);
    conn.on('error', () => {});
    pump();
  });
  t.after(() => server.close());
  const port = await listen(server);
  const reply = await finger('bob', '127.0.0.1', { port, maxReplyBytes: 100_000 });
  assert.equal(reply.length, 100_000);
});
