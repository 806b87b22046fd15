import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HttpAgent,
  HttpClientError,
  redirectHandler,
  request,
  routeHandler,
} from '../../../src/protocols/http/index.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import {
  createServer,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  selfSignedCertificate,
} from '../../../src/socket/index.js';
import { startTestServer, type TestServer } from './support/server.js';

const routes = [
  routeHandler('GET', '/hello', (_q, r) => r.send('hello\n')),
  routeHandler('GET', '/json', (_q, r) => {
    r.setHeader('Content-Type', 'application/json');
    r.send(JSON.stringify({ a: 1 }));
  }),
  routeHandler('*', '/echo', async (q, r) => {
    const body = await q.body.buffer();
    r.setHeader('X-Method', q.method);
    r.setHeader('X-Framing', q.headers.has('transfer-encoding') ? 'chunked' : 'length');
    r.send(body);
  }),
  routeHandler('GET', '/chunked', (_q, r) => {
    r.write('ab');
    r.end('cd');
  }),
  routeHandler('GET', '/never', () => {
    // never answers: the client's timeout must fire
  }),
  redirectHandler('/old/', '/hello', 302),
  redirectHandler('/see/', '/echo', 303),
];

let server: TestServer;
let agent: HttpAgent;
before(async () => {
  server = await startTestServer(routes);
  agent = new HttpAgent();
});
after(async () => {
  agent.close();
  await server.stop();
});

const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;

test('request() gets status, fields and the body as text', async () => {
  const response = await request({ url: url('/hello'), agent });
  assert.equal(response.status, 200);
  assert.equal(response.ok, true);
  assert.equal(response.headers.get('content-length'), '6');
  assert.equal(await response.text(), 'hello\n');
});

test('request() parses a JSON body', async () => {
  const response = await request({ url: url('/json'), agent });
  assert.deepEqual(await response.json(), { a: 1 });
});

test('request() reuses a kept-alive connection for the same origin', async () => {
  const fresh = new HttpAgent();
  try {
    await (await request({ url: url('/hello'), agent: fresh })).text();
    assert.equal(fresh.idleCount, 1);
    await (await request({ url: url('/hello'), agent: fresh })).text();
    assert.equal(fresh.idleCount, 1);
    const opened = server.requests.length;
    assert.ok(opened >= 2);
  } finally {
    fresh.close();
  }
});

test('request() sends a buffer with Content-Length and a stream chunked', async () => {
  const fixed = await request({ url: url('/echo'), method: 'POST', body: 'abc', agent });
  assert.equal(fixed.headers.get('x-framing'), 'length');
  assert.equal(await fixed.text(), 'abc');
  async function* parts() {
    yield 'one ';
    yield Buffer.from('two');
  }
  const streamed = await request({ url: url('/echo'), method: 'PUT', body: parts(), agent });
  assert.equal(streamed.headers.get('x-framing'), 'chunked');
  assert.equal(await streamed.text(), 'one two');
});

test('request() reads a chunked response body', async () => {
  const response = await request({ url: url('/chunked'), agent });
  assert.equal(response.headers.get('transfer-encoding'), 'chunked');
  assert.equal(await response.text(), 'abcd');
});

test('request() iterates the body chunk by chunk', async () => {
  const response = await request({ url: url('/hello'), agent });
  const parts: Buffer[] = [];
  for await (const chunk of response) parts.push(chunk);
  assert.equal(Buffer.concat(parts).toString(), 'hello\n');
});

test('HEAD gets the length but no body', async () => {
  const response = await request({ url: url('/hello'), method: 'HEAD', agent });
  assert.equal(response.headers.get('content-length'), '6');
  assert.equal(await response.text(), '');
  assert.equal(await (await request({ url: url('/hello'), agent })).text(), 'hello\n');
});

test('a response without a body (HEAD, 204, 304) goes back to the pool without being read', async () => {
  const quiet = await startTestServer([
    routeHandler('GET', '/none', (_q, r) => {
      r.status = 204;
      r.send();
    }),
    routeHandler('GET', '/same', (_q, r) => {
      r.status = 304;
      r.send();
    }),
    routeHandler('GET', '/hello', (_q, r) => r.send('hello\n')),
  ]);
  const pool = new HttpAgent();
  const at = (path: string): string => `http://127.0.0.1:${quiet.port}${path}`;
  try {
    const head = await request({ url: at('/hello'), method: 'HEAD', agent: pool });
    assert.equal(pool.idleCount, 1);
    const none = await request({ url: at('/none'), agent: pool });
    assert.equal(none.status, 204);
    assert.equal(pool.idleCount, 1);
    const same = await request({ url: at('/same'), agent: pool });
    assert.equal(same.status, 304);
    assert.equal(pool.idleCount, 1);
    // One connection carried all three, and the bodies still read as empty.
    assert.equal(quiet.requests.length, 3);
    assert.equal(await head.text(), '');
    assert.equal(await same.text(), '');
    assert.equal(pool.idleCount, 1);
  } finally {
    pool.close();
    await quiet.stop();
  }
});

test('redirects are returned as they are unless maxRedirects allows following', async () => {
  const plain = await request({ url: url('/old/'), agent });
  assert.equal(plain.status, 302);
  await plain.discard();
  const followed = await request({ url: url('/old/'), agent, maxRedirects: 3 });
  assert.equal(followed.status, 200);
  assert.equal(followed.redirects, 1);
  assert.equal(followed.url, url('/hello'));
  assert.equal(await followed.text(), 'hello\n');
});

test('a 303 after POST is followed with GET and no body', async () => {
  const response = await request({
    url: url('/see/'),
    method: 'POST',
    body: 'x',
    agent,
    maxRedirects: 1,
  });
  assert.equal(response.headers.get('x-method'), 'GET');
  assert.equal(await response.text(), '');
});

test('a server that does not answer makes request() time out', async () => {
  await assert.rejects(request({ url: url('/never'), agent, timeout: 0.2 }), {
    code: 'ETIMEDOUT',
  });
});

test('a pooled connection closed by the server is replaced transparently', async () => {
  const short = await startTestServer(routes, { limits: { ...DEFAULT_LIMITS, idleTimeout: 0.2 } });
  const pool = new HttpAgent();
  try {
    const target = `http://127.0.0.1:${short.port}/hello`;
    assert.equal(await (await request({ url: target, agent: pool })).text(), 'hello\n');
    await sleep(600);
    assert.equal(await (await request({ url: target, agent: pool })).text(), 'hello\n');
  } finally {
    pool.close();
    await short.stop();
  }
});

test('a response that breaks off mid-body is an HttpClientError', async () => {
  const raw = await createServer(['127.0.0.1', 0]);
  const port = (raw.getsockname() as [string, number])[1];
  const serve = (async () => {
    const [conn] = await raw.accept();
    await conn.recv(4096);
    await conn.sendall('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    conn.close();
  })();
  try {
    const response = await request({ url: `http://127.0.0.1:${port}/`, agent });
    await assert.rejects(response.text(), HttpClientError);
  } finally {
    await serve;
    raw.close();
  }
});

test('request() speaks HTTPS to a TLS service, with verification skipped on request', async () => {
  const { cert, key } = await selfSignedCertificate();
  const tls = new SSLContext(PROTOCOL_TLS_SERVER);
  tls.loadCertChainPem(cert, key);
  const secure = await startTestServer(
    [routeHandler('GET', '/', (q, r) => r.send(q.secure ? 'secure' : 'plain'))],
    { tls },
  );
  const pool = new HttpAgent();
  try {
    const target = `https://127.0.0.1:${secure.port}/`;
    await assert.rejects(request({ url: target, agent: pool, timeout: 5 }));
    const response = await request({ url: target, agent: pool, insecure: true });
    assert.equal(await response.text(), 'secure');
  } finally {
    pool.close();
    await secure.stop();
  }
});

test('request() refuses a URL that is not http or https', async () => {
  await assert.rejects(request('ftp://127.0.0.1/'), TypeError);
});
