import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { AF_INET, SHUT_WR, SOCK_STREAM, type Socket, socket } from '../../src/socket/index.js';
import { needs } from '../support/interop.js';
import { runExample, SOCKET_TIMEOUT, SUITE_MS, startExample, WAIT_MS } from './run-example.js';

async function connectTo(port: number): Promise<Socket> {
  const sock = socket(AF_INET, SOCK_STREAM);
  sock.settimeout(SOCKET_TIMEOUT);
  await sock.connect(['127.0.0.1', port]);
  return sock;
}

async function readExactly(sock: Socket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const data = await sock.recv(n - got);
    if (data.length === 0) throw new Error(`end of stream after ${got} of ${n} bytes`);
    parts.push(data);
    got += data.length;
  }
  return Buffer.concat(parts);
}

describe('examples/select-server.ts', { timeout: SUITE_MS }, () => {
  test('one select() loop echoes to several clients whose messages interleave', async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const clients = await Promise.all([0, 1, 2].map(() => connectTo(port)));
    t.after(() => {
      for (const c of clients) c.close();
    });
    for (let round = 0; round < 3; round++) {
      for (const [i, c] of clients.entries()) await c.sendall(`round ${round} client ${i}`);
      for (const [i, c] of clients.entries()) {
        const expected = `round ${round} client ${i}`;
        assert.equal((await readExactly(c, expected.length)).toString(), expected);
      }
    }
  });

  test('a client that sends 2 MiB before reading anything gets all of it back', async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    const data = randomBytes(2 * 1024 * 1024);
    // Replies queue in the server while this client does not read; nothing is lost.
    const [, echoed] = await Promise.all([sock.sendall(data), readExactly(sock, data.length)]);
    assert.ok(echoed.equals(data));
  });

  test('a client that half-closes still gets its reply before the server closes', async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const run = await runExample('tcp-client', [String(port), 'echo', 'me']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Received: echo me\n');
    await server.waitFor(/closing 127\.0\.0\.1:\d+\n/);
  });

  test('a client that sends and shuts down at once is answered in full', async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    const data = randomBytes(300_000);
    await sock.sendall(data);
    sock.shutdown(SHUT_WR);
    const parts: Buffer[] = [];
    for (;;) {
      const chunk = await sock.recv(65536);
      if (chunk.length === 0) break;
      parts.push(chunk);
    }
    assert.ok(Buffer.concat(parts).equals(data));
  });

  test('a client reset does not stop the server for the others', async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const rude = await connectTo(port);
    const polite = await connectTo(port);
    t.after(() => polite.close());
    await rude.sendall('bye');
    rude.close();
    await polite.sendall('still there?');
    assert.equal((await readExactly(polite, 12)).toString(), 'still there?');
  });

  test('SIGINT wakes select() through the socket pair and exits with status 0', async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    await server.waitFor(/connection from/);
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null });
    assert.match(server.stdout, /server stopped\n$/);
    assert.equal((await sock.recv(10)).length, 0, 'open clients are closed');
  });

  test('nc gets its line echoed', needs('nc'), async (t) => {
    const server = startExample('select-server', ['0']);
    t.after(() => server.kill());
    const nc = spawn('nc', ['-q', '1', '127.0.0.1', String(await server.port())]);
    t.after(() => nc.kill('SIGKILL'));
    let out = '';
    nc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    nc.stdin.end('select me\n');
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('nc did not finish')), WAIT_MS);
      nc.once('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
    assert.equal(code, 0);
    assert.equal(out, 'select me\n');
  });
});
