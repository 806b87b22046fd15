import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { uploadFiles } from '../../../src/protocols/http/index.js';
import { exchange, startTestServer, type TestServer } from './support/server.js';

let root: string;
let server: TestServer;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'polyport-upload-'));
  mkdirSync(join(root, 'sub'));
  server = await startTestServer([uploadFiles({ root, prefix: '/up/', maxSize: 1000 })]);
});
after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

const put = (path: string, body: string, extra = ''): Promise<string> =>
  exchange(
    server.port,
    `PUT ${path} HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
const status = (text: string): number => Number(text.slice(9, 12));

test('a PUT of a new file stores it and answers 201 with Location', async () => {
  const text = await put('/up/sub/new.txt', 'fresh');
  assert.equal(status(text), 201);
  assert.match(text, /Location: \/up\/sub\/new\.txt\r\n/);
  assert.equal(readFileSync(join(root, 'sub', 'new.txt'), 'utf8'), 'fresh');
});

test('a PUT over an existing file replaces it and answers 204', async () => {
  await put('/up/same.txt', 'one');
  const text = await put('/up/same.txt', 'two');
  assert.equal(status(text), 204);
  assert.equal(readFileSync(join(root, 'same.txt'), 'utf8'), 'two');
});

test('a chunked PUT is stored whole and no temporary file is left', async () => {
  const text = await exchange(
    server.port,
    'PUT /up/chunked.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
  );
  assert.equal(status(text), 201);
  assert.equal(readFileSync(join(root, 'chunked.txt'), 'utf8'), 'abcde');
  assert.deepEqual(
    readdirSync(root).filter((n) => n.includes('.upload-')),
    [],
  );
});

test('an upload cut off mid-body leaves no file behind', async () => {
  await exchange(
    server.port,
    'PUT /up/broken.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n',
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(existsSync(join(root, 'broken.txt')), false);
  assert.deepEqual(
    readdirSync(root).filter((n) => n.includes('.upload-')),
    [],
  );
});

test('an upload over maxSize is refused with 413', async () => {
  assert.equal(status(await put('/up/huge.txt', 'x'.repeat(1001))), 413);
  assert.equal(existsSync(join(root, 'huge.txt')), false);
});

test('a PUT into a missing directory or onto a directory answers 409', async () => {
  assert.equal(status(await put('/up/nodir/a.txt', 'a')), 409);
  assert.equal(status(await put('/up/sub', 'a')), 409);
});

test('If-None-Match: * on an existing file answers 412', async () => {
  await put('/up/keep.txt', 'keep');
  assert.equal(status(await put('/up/keep.txt', 'x', 'If-None-Match: *\r\n')), 412);
  assert.equal(readFileSync(join(root, 'keep.txt'), 'utf8'), 'keep');
});

test('a PUT that tries to leave the root is refused', async () => {
  assert.equal(status(await put('/up/%2e%2e/escape.txt', 'x')), 400);
  assert.equal(existsSync(join(root, '..', 'escape.txt')), false);
});
