import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hashPassword, verifyPassword } from '../../../src/protocols/common/index.js';
import { basicAuth, routeHandler } from '../../../src/protocols/http/index.js';
import { exchange, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let calls = 0;
before(async () => {
  const hash = await hashPassword('s3cret', { N: 1024 });
  server = await startTestServer([
    basicAuth(
      {
        realm: 'admin area',
        prefix: '/admin/',
        users: { alice: hash },
        verify: (password, stored) => {
          calls++;
          return verifyPassword(password, stored);
        },
      },
      [routeHandler('GET', '/admin/who', (q, r) => r.send(`you are ${q.user}\n`))],
    ),
    routeHandler('GET', '/open', (_q, r) => r.send('open\n')),
  ]);
});
after(async () => {
  await server.stop();
});

const get = (path: string, auth?: string): Promise<string> =>
  exchange(
    server.port,
    `GET ${path} HTTP/1.1\r\nHost: t\r\n${auth ? `Authorization: Basic ${Buffer.from(auth).toString('base64')}\r\n` : ''}Connection: close\r\n\r\n`,
  );

test('a protected path without credentials gets 401 with a Basic challenge', async () => {
  const text = await get('/admin/who');
  assert.match(text, /^HTTP\/1\.1 401 /);
  assert.match(text, /WWW-Authenticate: Basic realm="admin area", charset="UTF-8"\r\n/);
});

test('a wrong password or unknown user gets 401', async () => {
  assert.match(await get('/admin/who', 'alice:wrong'), /^HTTP\/1\.1 401 /);
  assert.match(await get('/admin/who', 'mallory:s3cret'), /^HTTP\/1\.1 401 /);
});

test('the right password reaches the handler, sets the user, and is verified once', async () => {
  const before = calls;
  assert.match(await get('/admin/who', 'alice:s3cret'), /you are alice\n$/);
  assert.match(await get('/admin/who', 'alice:s3cret'), /you are alice\n$/);
  assert.equal(calls, before + 1);
  const logged = server.requests.find((r) => r.user === 'alice');
  assert.match(String(logged?.line), /^127\.0\.0\.1 - alice \[/);
});

test('an unknown user costs one password check, as a known one does (timing tells no names)', async () => {
  const before = calls;
  assert.match(await get('/admin/who', 'mallory:guess'), /^HTTP\/1\.1 401 /);
  assert.equal(calls, before + 1);
});

test('a path outside the prefix needs no credentials', async () => {
  assert.match(await get('/open'), /^HTTP\/1\.1 200 /);
});

test('an unknown protected path with credentials is 404, without them 401', async () => {
  assert.match(await get('/admin/nothing', 'alice:s3cret'), /^HTTP\/1\.1 404 /);
  assert.match(await get('/admin/nothing'), /^HTTP\/1\.1 401 /);
});

test('basicAuth() checks scrypt hashes by default', async () => {
  const hash = await hashPassword('pw', { N: 1024 });
  const plain = await startTestServer([
    basicAuth({ realm: 'r', users: new Map([['bob', hash]]) }, [
      routeHandler('GET', '/', (q, r) => r.send(`hi ${q.user}\n`)),
    ]),
  ]);
  try {
    const auth = Buffer.from('bob:pw').toString('base64');
    const text = await exchange(
      plain.port,
      `GET / HTTP/1.1\r\nHost: t\r\nAuthorization: basic ${auth}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(text, /hi bob\n$/);
  } finally {
    await plain.stop();
  }
});
