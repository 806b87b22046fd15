import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  AF_INET,
  createDefaultContext,
  SOCK_STREAM,
  type Socket,
  socket,
} from '../../src/socket/index.js';
import {
  REFUSED_PORT,
  type RunningExample,
  runExample,
  SOCKET_TIMEOUT,
  SUITE_MS,
  startExample,
} from './run-example.js';

const REQUEST = (host: string) => `HEAD / HTTP/1.0\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

/** Starts ssl-server.ts on a free port: the process, its port and its certificate file. */
async function startServer(): Promise<[RunningExample, number, string]> {
  const server = startExample('ssl-server', ['0']);
  // Making the key pair takes a moment on a slow machine.
  const port = await server.port();
  const [, certFile] = await server.waitFor(/certificate: (.+)\n/);
  return [server, port, certFile as string];
}

async function readAll(sock: Socket): Promise<string> {
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(4096);
    if (data.length === 0) return Buffer.concat(parts).toString();
    parts.push(data);
  }
}

describe('examples/ssl-server.ts and examples/ssl-client.ts', { timeout: SUITE_MS }, () => {
  test('the client wraps with ssl() and prints the HEAD request the server echoes', async (t) => {
    const [server, port] = await startServer();
    t.after(() => server.kill());
    const run = await runExample('ssl-client', ['127.0.0.1', String(port)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^connected with TLSv1\.[23] \S+\n/);
    assert.ok(run.stdout.endsWith(REQUEST('127.0.0.1')), run.stdout);
  });

  test('with --cafile the client verifies the certificate for 127.0.0.1 and localhost', async (t) => {
    const [server, port, certFile] = await startServer();
    t.after(() => server.kill());
    for (const host of ['127.0.0.1', 'localhost']) {
      const run = await runExample('ssl-client', [host, String(port), '--cafile', certFile]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.endsWith(REQUEST(host)), run.stdout);
    }
  });

  test('with --verify the client refuses the self-signed certificate and exits with 1', async (t) => {
    const [server, port] = await startServer();
    t.after(() => server.kill());
    const run = await runExample('ssl-client', ['127.0.0.1', String(port), '--verify']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /ssl-client: handshake tls: .*self-signed certificate/);
    assert.equal(run.stdout, '');
  });

  test('the client reports a refused connection and exits with 1', async () => {
    const port = REFUSED_PORT;
    const run = await runExample('ssl-client', ['127.0.0.1', String(port)]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /connection refused/);
  });

  test('the server echoes over TLS to a verifying SSLContext and closes after a blank line', async (t) => {
    const [server, port, certFile] = await startServer();
    t.after(() => server.kill());
    const context = createDefaultContext({ cadata: readFileSync(certFile) });
    const plain = socket(AF_INET, SOCK_STREAM);
    plain.settimeout(SOCKET_TIMEOUT);
    t.after(() => plain.close());
    await plain.connect(['127.0.0.1', port]);
    const tls = await context.wrapSocket(plain, { serverHostname: 'localhost' });
    t.after(() => tls.close());
    tls.settimeout(SOCKET_TIMEOUT);
    await tls.sendall('line one\r\n');
    assert.equal((await tls.recv(100)).toString(), 'line one\r\n');
    // The blank line arrives cut in two: the server must still see it.
    await tls.sendall('\r');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await tls.sendall('\n');
    assert.equal(await readAll(tls), '\r\n');
  });

  test('a client that is not speaking TLS costs its own connection only', async (t) => {
    const [server, port] = await startServer();
    t.after(() => server.kill());
    const plain = socket(AF_INET, SOCK_STREAM);
    plain.settimeout(SOCKET_TIMEOUT);
    t.after(() => plain.close());
    await plain.connect(['127.0.0.1', port]);
    await plain.sendall('GET / HTTP/1.0\r\n\r\n');
    await readAll(plain).catch(() => '');
    const run = await runExample('ssl-client', ['127.0.0.1', String(port)]);
    assert.equal(run.code, 0, run.stderr);
  });

  test('SIGINT stops the server with status 0 and removes its certificate file', async (t) => {
    const [server, , certFile] = await startServer();
    t.after(() => server.kill());
    assert.ok(existsSync(certFile));
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null });
    assert.match(server.stdout, /server stopped\n$/);
    assert.equal(existsSync(certFile), false);
  });
});
