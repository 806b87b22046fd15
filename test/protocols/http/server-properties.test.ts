/**
 * Property tests over the wire: whatever bytes a client sends, the server answers with a
 * well-formed status line (or nothing, for an incomplete request), never crashes, and goes on
 * serving other clients.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { routeHandler } from '../../../src/protocols/http/index.js';
import { connect, exchange, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer(
    [
      routeHandler('*', '/*', async (request, response) => {
        const body = await request.body.buffer(1 << 20);
        response.send(`${request.method} ${body.length}\n`);
      }),
    ],
    {
      limits: {
        maxConnections: 64,
        maxConnectionsPerAddress: 64,
        idleTimeout: 2,
        readTimeout: 1,
        maxRequestSize: 8192,
      },
    },
  );
});
after(async () => {
  await server.stop();
});

const STATUS_LINE = /^HTTP\/1\.1 [1-5]\d\d [^\r\n]*\r\n/;

/**
 * Sends `bytes` on a fresh connection and reads until the server closes. A server that neither
 * answers nor closes within 5 s (its read timeout is 1 s) fails the test with SocketTimeoutError.
 */
function sendAndRead(bytes: Uint8Array): Promise<string> {
  return exchange(server.port, Buffer.from(bytes), 5);
}

test('random bytes always get a well-formed status line, never silence or a crash', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
      // Bad bytes get 400 at once, an incomplete request 408 after the read timeout.
      assert.match(await sendAndRead(bytes), STATUS_LINE);
    }),
    { numRuns: 25 },
  );
  assert.match(
    await exchange(server.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'),
    /^HTTP\/1\.1 200 /,
  );
});

test('random bytes after a valid request do not disturb its answer', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (noise) => {
      const request = Buffer.from('POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc');
      const text = await sendAndRead(Buffer.concat([request, noise]));
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nPOST 3\n/);
    }),
    { numRuns: 20 },
  );
});

test('a request split at random points is answered the same', async () => {
  const raw = Buffer.from(
    'POST /split HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n',
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: raw.length - 1 }), { maxLength: 4 }),
      async (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const sock = await connect(server.port);
        try {
          let from = 0;
          for (const at of [...points, raw.length]) {
            await sock.sendall(raw.subarray(from, at));
            from = at;
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          sock.settimeout(3);
          let text = '';
          for (;;) {
            const data = await sock.recv(65536);
            if (data.length === 0) break;
            text += data.toString('latin1');
          }
          assert.ok(text.endsWith('\r\n\r\nPOST 9\n'), text);
        } finally {
          sock.close();
        }
      },
    ),
    { numRuns: 15 },
  );
});
