import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AF_INET, SOCK_STREAM, type Socket, socket } from '../../src/socket/index.js';
import { REFUSED_PORT, runExample, SOCKET_TIMEOUT, SUITE_MS, startExample } from './run-example.js';

async function readAll(sock: Socket, pauseMs = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(65536);
    if (data.length === 0) return Buffer.concat(parts);
    parts.push(data);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

async function connectTo(port: number): Promise<Socket> {
  const sock = socket(AF_INET, SOCK_STREAM);
  sock.settimeout(SOCKET_TIMEOUT);
  await sock.connect(['127.0.0.1', port]);
  return sock;
}

/**
 * A one-shot server in the test: sends the pieces of `reply` to the first client, 50 ms apart
 * so that each arrives in a read of its own, then closes.
 */
async function oneShotServer(...reply: string[]): Promise<[Socket, number, Promise<void>]> {
  const listener = socket(AF_INET, SOCK_STREAM);
  listener.settimeout(SOCKET_TIMEOUT);
  await listener.bind(['127.0.0.1', 0]);
  await listener.listen(1);
  const [, port] = listener.getsockname() as [string, number];
  const served = (async () => {
    const [conn] = await listener.accept();
    for (const piece of reply) {
      await conn.sendall(piece);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    conn.close();
  })();
  // The test awaits it after the client has run; until then a failure must not go unhandled.
  served.catch(() => {});
  return [listener, port, served];
}

describe('examples/asyncore-data-server.ts', { timeout: SUITE_MS }, () => {
  test('three clients in one loop each count the 1 MiB the server streams to them', async (t) => {
    const server = startExample('asyncore-data-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const run = await runExample('asyncore-data-server', ['--client', String(port), '3']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'received 1048576 of 1048576 bytes\n'.repeat(3));
    await server.waitFor(/(sending 1048576 bytes to 127\.0\.0\.1:\d+\n){3}/);
  });

  test('the server sends a header line, then the generated text, then closes', async (t) => {
    const server = startExample('asyncore-data-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    const data = await readAll(sock);
    const head = 'SIZE 1048576\r\n';
    assert.equal(data.subarray(0, head.length).toString(), head);
    const body = data.subarray(head.length);
    assert.equal(body.length, 1048576);
    const line = 'polyport streams this line with a producer.\n';
    // The text runs on across the producer's chunks: every byte is where the pattern says.
    const expected = Buffer.alloc(body.length, line);
    assert.ok(body.equals(expected), 'the body repeats the line without a break');
  });

  test('a client that reads slowly still gets every byte, in order', async (t) => {
    const server = startExample('asyncore-data-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    const data = await readAll(sock, 2);
    assert.equal(data.length, 'SIZE 1048576\r\n'.length + 1048576);
  });

  test('the server streams the file given on the command line', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'polyport-example-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'data.bin');
    const content = Buffer.from(Array.from({ length: 200_001 }, (_, i) => (i * 7) & 0xff));
    writeFileSync(file, content);
    const server = startExample('asyncore-data-server', ['0', file]);
    t.after(() => server.kill());
    const port = await server.port();
    const sock = await connectTo(port);
    t.after(() => sock.close());
    const data = await readAll(sock);
    assert.ok(data.equals(Buffer.concat([Buffer.from('SIZE 200001\r\n'), content])));
    const run = await runExample('asyncore-data-server', ['--client', String(port)]);
    assert.equal(run.stdout, 'received 200001 of 200001 bytes\n');
  });

  test('the client exits with status 1 when the server sends less than it announced', async (t) => {
    const [listener, port, served] = await oneShotServer('SIZE 10\r\nabc');
    t.after(() => listener.close());
    const run = await runExample('asyncore-data-server', ['--client', String(port)]);
    await served;
    assert.equal(run.code, 1);
    assert.equal(run.stdout, 'received 3 of 10 bytes (short!)\n');
  });

  test('the client reads a header split across reads', async (t) => {
    const [listener, port, served] = await oneShotServer('SI', 'ZE 2\r', '\no', 'k');
    t.after(() => listener.close());
    const run = await runExample('asyncore-data-server', ['--client', String(port)]);
    await served;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'received 2 of 2 bytes\n');
  });

  test('the client reports a refused connection and exits with status 1', async () => {
    const port = REFUSED_PORT;
    const run = await runExample('asyncore-data-server', ['--client', String(port)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /client: .*ECONNREFUSED/);
  });

  test('SIGINT closes every channel, ends loop() and exits with status 0', async (t) => {
    const server = startExample('asyncore-data-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    // Read a little, then stop reading: the channel is mid-transfer when the signal comes.
    assert.ok((await sock.recv(100)).length > 0);
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null });
    assert.match(server.stdout, /server stopped\n$/);
  });
});
