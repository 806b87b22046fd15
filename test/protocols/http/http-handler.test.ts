import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { redirectHandler, routeHandler, virtualHost } from '../../../src/protocols/http/index.js';
import { exchange, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer([
    virtualHost(['a.test'], [routeHandler('GET', '/', (_q, r) => r.send('site a\n'))]),
    virtualHost(
      ['b.test', 'www.b.test'],
      [routeHandler('GET', '/', (_q, r) => r.send('site b\n'))],
    ),
    redirectHandler('/old/', '/new/', 308),
    routeHandler('GET', '/status/*', (q, r) => r.send(`status ${q.path}\n`)),
    routeHandler('POST', '/only-post', (_q, r) => r.send('posted\n')),
  ]);
});
after(async () => {
  await server.stop();
});

const ask = (line: string, host = 't', extra = ''): Promise<string> =>
  exchange(server.port, `${line} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`);

test('virtualHost() routes by host name, ignoring case and port', async () => {
  assert.match(await ask('GET /', 'A.TEST:8080'), /site a\n$/);
  assert.match(await ask('GET /', 'www.b.test'), /site b\n$/);
  assert.match(await ask('GET /', 'c.test'), /^HTTP\/1\.1 404 /);
});

test('redirectHandler() keeps the rest of the path and the query', async () => {
  const text = await ask('GET /old/a/b?x=1');
  assert.match(text, /^HTTP\/1\.1 308 Permanent Redirect\r\n/);
  assert.match(text, /Location: \/new\/a\/b\?x=1\r\n/);
});

test('routeHandler() with /* matches the prefix and everything below it', async () => {
  assert.match(await ask('GET /status'), /status \/status\n$/);
  assert.match(await ask('GET /status/x/y'), /status \/status\/x\/y\n$/);
  assert.match(await ask('GET /statusx'), /^HTTP\/1\.1 404 /);
});

test('routeHandler() for GET also answers HEAD, and other methods only themselves', async () => {
  const head = await ask('HEAD /status/a');
  assert.match(head, /^HTTP\/1\.1 200 /);
  assert.ok(head.endsWith('\r\n\r\n'));
  assert.match(await ask('GET /only-post'), /^HTTP\/1\.1 404 /);
  assert.match(await ask('POST /only-post', 't', 'Content-Length: 0\r\n'), /posted\n$/);
});

test('routeHandler() and redirectHandler() reject bad arguments', () => {
  assert.throws(() => routeHandler('GET', 'relative', () => {}), TypeError);
  assert.throws(() => redirectHandler('/a/', '/b/', 200), RangeError);
});
