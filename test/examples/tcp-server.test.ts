import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { AF_INET, SHUT_WR, SOCK_STREAM, type Socket, socket } from '../../src/socket/index.js';
import { needs } from '../support/interop.js';
import {
  REFUSED_PORT,
  runExample,
  SOCKET_TIMEOUT,
  SUITE_MS,
  startExample,
  WAIT_MS,
} from './run-example.js';

/** Reads until end of stream (each read bounded by the socket's timeout). */
async function readAll(sock: Socket): Promise<string> {
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(4096);
    if (data.length === 0) return Buffer.concat(parts).toString();
    parts.push(data);
  }
}

async function connectTo(port: number): Promise<Socket> {
  const sock = socket(AF_INET, SOCK_STREAM);
  sock.settimeout(SOCKET_TIMEOUT);
  await sock.connect(['127.0.0.1', port]);
  return sock;
}

describe('examples/tcp-server.ts and examples/tcp-client.ts', { timeout: SUITE_MS }, () => {
  test('the client prints what the server sends back: its arguments upper-cased', async (t) => {
    const server = startExample('tcp-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const run = await runExample('tcp-client', [String(port), 'hello', 'from', 'the', 'test']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Received: HELLO FROM THE TEST\n');
    await server.waitFor(/connection from 127\.0\.0\.1:\d+/);
  });

  test('the client sends "Hello, world" when given only a port', async (t) => {
    const server = startExample('tcp-server', ['0']);
    t.after(() => server.kill());
    const run = await runExample('tcp-client', [String(await server.port())]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Received: HELLO, WORLD\n');
  });

  test('the server changes only ASCII letters, so UTF-8 text split across reads survives', async (t) => {
    const server = startExample('tcp-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    const text = Buffer.from('naïve café ü', 'utf8');
    // Send the bytes one at a time, cutting every two-byte character in half.
    for (const byte of text) await sock.sendall(Buffer.of(byte));
    sock.shutdown(SHUT_WR);
    assert.equal(await readAll(sock), 'NAïVE CAFé ü');
  });

  test('the server answers several clients at once, each in its own order', async (t) => {
    const server = startExample('tcp-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const clients = await Promise.all([1, 2, 3].map(() => connectTo(port)));
    t.after(() => {
      for (const c of clients) c.close();
    });
    // The last client speaks first: a server that served one client at a time would stall.
    for (const [i, c] of [...clients.entries()].reverse()) await c.sendall(`client ${i}`);
    for (const [i, c] of clients.entries()) {
      assert.equal((await c.recv(100)).toString(), `CLIENT ${i}`);
    }
  });

  test('the client reports a refused connection and exits with status 1', async () => {
    const port = REFUSED_PORT;
    const run = await runExample('tcp-client', [String(port), 'anyone?']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /tcp-client: connect .*connection refused/);
    assert.equal(run.stdout, '');
  });

  test('SIGINT stops the server with status 0 and closes the connections it holds', async (t) => {
    const server = startExample('tcp-server', ['0']);
    t.after(() => server.kill());
    const sock = await connectTo(await server.port());
    t.after(() => sock.close());
    await server.waitFor(/connection from/);
    const exit = await server.stop('SIGINT');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.match(server.stdout, /server stopped\n$/);
    assert.equal((await sock.recv(10)).length, 0, 'the held connection reads end of stream');
  });

  test('nc gets its line back upper-cased', needs('nc'), async (t) => {
    const server = startExample('tcp-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    // -q 1: quit one second after the end of input, once the reply had time to come back.
    const nc = spawn('nc', ['-q', '1', '127.0.0.1', String(port)]);
    t.after(() => nc.kill('SIGKILL'));
    let out = '';
    nc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    nc.stdin.end('ping from nc\n');
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('nc did not finish')), WAIT_MS);
      nc.once('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
    assert.equal(code, 0);
    assert.equal(out, 'PING FROM NC\n');
  });
});
