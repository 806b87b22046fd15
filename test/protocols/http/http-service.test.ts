import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type HttpHandler, routeHandler } from '../../../src/protocols/http/index.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import {
  connect,
  exchange,
  readAll,
  readUntil,
  startTestServer,
  statusLines,
  type TestServer,
} from './support/server.js';

const handlers: HttpHandler[] = [
  routeHandler('GET', '/hello', (_request, response) => response.send('hello\n')),
  routeHandler('GET', '/slow', async (_request, response) => {
    await sleep(50);
    response.send('slow\n');
  }),
  routeHandler('POST', '/echo', async (request, response) => {
    const body = await request.body.buffer();
    response.setHeader('Content-Type', 'application/octet-stream');
    response.send(body);
  }),
  routeHandler('GET', '/stream', async (_request, response) => {
    async function* parts() {
      yield 'one,';
      await sleep(5);
      yield 'two';
    }
    await response.stream(parts());
  }),
  routeHandler('GET', '/write', (_request, response) => {
    response.write('a');
    response.write('b');
    response.end('c');
  }),
  routeHandler('GET', '/throw', () => {
    throw new Error('handler bug');
  }),
  routeHandler('GET', '/reject', async () => {
    await sleep(1);
    throw new Error('async handler bug');
  }),
  routeHandler('GET', '/path', (request, response) =>
    response.send(`${request.path}|${request.query}|${request.hostname}`),
  ),
];

let server: TestServer;
before(async () => {
  server = await startTestServer(handlers);
});
after(async () => {
  await server.stop();
});

const get = (path: string, extra = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;

test('a GET is answered with Date, Server and Content-Length', async () => {
  const text = await exchange(server.port, get('/hello', 'Connection: close\r\n'));
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
  assert.match(text, /\r\nServer: polyport\r\n/);
  assert.match(text, /\r\nContent-Length: 6\r\n/);
  assert.match(text, /\r\nConnection: close\r\n/);
  assert.ok(text.endsWith('\r\n\r\nhello\n'));
});

test('HEAD gets the GET head with Content-Length and no body, for any handler', async () => {
  const text = await exchange(
    server.port,
    'HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nHEAD /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
  );
  const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
  assert.match(first ?? '', /Content-Length: 6\r\n/);
  assert.ok(first?.endsWith('\r\n\r\n'));
  assert.ok(second?.endsWith('\r\n\r\n'));
  assert.doesNotMatch(text, /hello|one/);
});

test('pipelined requests are answered in order even when the first handler is slow', async () => {
  const text = await exchange(
    server.port,
    get('/slow') + get('/hello') + get('/path?x=1', 'Connection: close\r\n'),
  );
  assert.equal(statusLines(text).length, 3);
  const slow = text.indexOf('slow\n');
  const hello = text.indexOf('hello\n');
  const path = text.indexOf('/path|x=1|test');
  assert.ok(slow > 0 && slow < hello && hello < path, text);
});

test('a keep-alive connection carries several exchanges one after another', async () => {
  const sock = await connect(server.port);
  try {
    for (let i = 0; i < 3; i++) {
      await sock.sendall(get('/hello'));
      const text = await readUntil(sock, (t) => t.endsWith('hello\n'));
      assert.match(text, /^HTTP\/1\.1 200 OK/);
      assert.doesNotMatch(text, /Connection: close/);
    }
  } finally {
    sock.close();
  }
});

test('a chunked upload is decoded and echoed with its length', async () => {
  const text = await exchange(
    server.port,
    'POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n',
  );
  assert.match(text, /Content-Length: 11\r\n/);
  assert.ok(text.endsWith('\r\n\r\nhello world'));
});

test('Expect: 100-continue gets 100 Continue before the body is sent', async () => {
  const sock = await connect(server.port);
  try {
    await sock.sendall(
      'POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    const interim = await readUntil(sock, (t) => t.includes('\r\n\r\n'));
    assert.equal(interim, 'HTTP/1.1 100 Continue\r\n\r\n');
    await sock.sendall('ping');
    const text = await readAll(sock);
    assert.match(text, /^HTTP\/1\.1 200 OK/);
    assert.ok(text.endsWith('ping'));
  } finally {
    sock.close();
  }
});

test('a handler that answers without reading skips 100 Continue and closes', async () => {
  const text = await exchange(
    server.port,
    'POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n',
  );
  assert.doesNotMatch(text, /100 Continue/);
  assert.match(text, /^HTTP\/1\.1 404 Not Found/);
});

test('a body of unknown length is sent chunked', async () => {
  const text = await exchange(server.port, get('/stream', 'Connection: close\r\n'));
  assert.match(text, /Transfer-Encoding: chunked\r\n/);
  assert.ok(text.endsWith('\r\n\r\n4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n'), text);
});

test('write() and end() without a length are chunked', async () => {
  const text = await exchange(server.port, get('/write', 'Connection: close\r\n'));
  assert.ok(text.endsWith('\r\n\r\n1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n'), text);
});

test('an HTTP/1.0 client gets a close-delimited stream and the connection closes', async () => {
  const text = await exchange(server.port, 'GET /stream HTTP/1.0\r\n\r\n');
  assert.match(text, /^HTTP\/1\.1 200 OK/);
  assert.doesNotMatch(text, /Transfer-Encoding/);
  assert.ok(text.endsWith('\r\n\r\none,two'));
});

test('no matching handler gives 404', async () => {
  const text = await exchange(server.port, get('/nothing', 'Connection: close\r\n'));
  assert.match(text, /^HTTP\/1\.1 404 Not Found/);
});

test('a handler that throws gives 500 and the error reaches the observer', async () => {
  const before = server.errors.length;
  const text = await exchange(server.port, get('/throw'));
  assert.match(text, /^HTTP\/1\.1 500 Internal Server Error/);
  const late = await exchange(server.port, get('/reject'));
  assert.match(late, /^HTTP\/1\.1 500 Internal Server Error/);
  assert.equal(server.errors.length, before + 2);
});

test('an absolute-form target gives the path, query and host name', async () => {
  const text = await exchange(
    server.port,
    'GET http://Example.COM:8080/path?q HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n',
  );
  assert.ok(text.endsWith('/path|q|example.com'), text);
});

test('each request is logged in Combined Log Format', async () => {
  await exchange(
    server.port,
    get('/hello', 'Referer: http://r/\r\nUser-Agent: test "agent"\r\nConnection: close\r\n'),
  );
  const record = server.requests.find(
    (r) => r.path === '/hello' && String(r.line).includes('test'),
  );
  assert.ok(record);
  assert.equal(record.msg, 'request');
  assert.equal(record.status, 200);
  assert.match(
    String(record.line),
    /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/hello HTTP\/1\.1" 200 6 "http:\/\/r\/" "test \\"agent\\""$/,
  );
});

const codecErrors: Array<[string, string, number]> = [
  [
    'Content-Length with Transfer-Encoding',
    'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    400,
  ],
  [
    'differing Content-Length lines',
    'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
    400,
  ],
  ['a signed Content-Length', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc', 400],
  [
    'a bad chunk size',
    'POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    400,
  ],
  ['a bare LF in the head', 'GET / HTTP/1.1\nHost: t\r\n\r\n', 400],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n', 400],
  ['a missing Host on HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', 400],
  [
    'a body over the limit',
    'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999\r\n\r\n',
    413,
  ],
  ['a request line over the limit', `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414],
  ['too many header fields', `GET / HTTP/1.1\r\nHost: t\r\n${'X-A: 1\r\n'.repeat(120)}\r\n`, 431],
  [
    'an unknown transfer coding',
    'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: zip\r\n\r\n',
    501,
  ],
  ['an unsupported version', 'GET / HTTP/2.0\r\nHost: t\r\n\r\n', 505],
];

for (const [what, raw, status] of codecErrors) {
  test(`${what} is answered ${status} over the wire and the connection is closed`, async () => {
    const text = await exchange(server.port, raw);
    assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `));
    assert.match(text, /Connection: close\r\n/);
    assert.equal(statusLines(text).length, 1);
  });
}

test('an error in a pipelined request comes after the answers to the good ones', async () => {
  const text = await exchange(server.port, `${get('/slow')}${get('/hello')}GET / HTTP/1.1\r\n\r\n`);
  const lines = statusLines(text);
  assert.deepEqual(
    lines.map((l) => l.slice(9, 12)),
    ['200', '200', '400'],
  );
});

test('a half-sent request head is answered 408 after readTimeout (slowloris)', async () => {
  const slow = await startTestServer(handlers, {
    limits: { ...DEFAULT_LIMITS, readTimeout: 0.2 },
  });
  try {
    const started = Date.now();
    // exchange() fails if nothing comes within 5 s: no upper bound of our own is needed.
    const text = await exchange(slow.port, 'GET /hello HTTP/1.1\r\nHost: t\r\n');
    assert.match(text, /^HTTP\/1\.1 408 Request Timeout/);
    const waited = Date.now() - started;
    assert.ok(waited >= 120, `408 after ${waited} ms, before the read timeout`);
  } finally {
    await slow.stop();
  }
});

test('a request body that stalls is answered 408 after the body timeout', async () => {
  const slow = await startTestServer(handlers, { bodyTimeout: 0.2 });
  try {
    const text = await exchange(
      slow.port,
      'POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc',
    );
    assert.match(text, /^HTTP\/1\.1 408 Request Timeout/);
  } finally {
    await slow.stop();
  }
});

test('an idle keep-alive connection is closed after idleTimeout', async () => {
  const idle = await startTestServer(handlers, {
    limits: { ...DEFAULT_LIMITS, idleTimeout: 0.3 },
  });
  try {
    const sock = await connect(idle.port);
    await sock.sendall(get('/hello'));
    const text = await readAll(sock);
    assert.match(text, /^HTTP\/1\.1 200 OK/);
    sock.close();
  } finally {
    await idle.stop();
  }
});

test('a connection over maxConnections gets 503 and is closed', async () => {
  const small = await startTestServer(handlers, {
    limits: { ...DEFAULT_LIMITS, maxConnections: 1 },
  });
  try {
    const first = await connect(small.port);
    await sleep(50);
    const text = await exchange(small.port, get('/hello'));
    assert.match(text, /^HTTP\/1\.1 503 Service Unavailable/);
    first.close();
  } finally {
    await small.stop();
  }
});

test('a client that sends random bytes gets an error status, never a crash', async () => {
  const noise = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x0d, 0x0a]);
  const text = await exchange(server.port, Buffer.concat([noise, Buffer.from('\r\n\r\n')]));
  assert.match(text, /^HTTP\/1\.1 (400|501|505) /);
  const again = await exchange(server.port, get('/hello', 'Connection: close\r\n'));
  assert.match(again, /^HTTP\/1\.1 200 OK/);
});
