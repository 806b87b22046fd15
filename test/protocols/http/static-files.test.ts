import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { staticFiles, typeForFile } from '../../../src/protocols/http/index.js';
import { exchange, startTestServer, type TestServer } from './support/server.js';

let base: string;
let root: string;
let server: TestServer;
const big = Buffer.alloc(300_000);
for (let i = 0; i < big.length; i++) big[i] = i % 251;

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'polyport-static-'));
  root = join(base, 'www');
  mkdirSync(join(root, 'docs'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  mkdirSync(join(root, 'withindex'));
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>\n');
  writeFileSync(join(root, 'withindex', 'index.html'), 'inner index\n');
  writeFileSync(join(root, 'hello.txt'), 'hello world\n');
  writeFileSync(join(root, 'docs', '<script>.txt'), 'x');
  writeFileSync(join(root, 'docs', 'a&b.css'), 'body{}');
  writeFileSync(join(root, 'big.bin'), big);
  writeFileSync(join(base, 'secret.txt'), 'top secret\n');
  symlinkSync(join(base, 'secret.txt'), join(root, 'escape.txt'));
  symlinkSync(base, join(root, 'escape-dir'));
  symlinkSync(join(root, 'hello.txt'), join(root, 'alias.txt'));
  // A listed directory (no index file) holding links out of the root and one inside it.
  mkdirSync(join(root, 'links'));
  symlinkSync('/etc/passwd', join(root, 'links', 'passwd'));
  symlinkSync(base, join(root, 'links', 'outdir'));
  symlinkSync('../../secret.txt', join(root, 'links', 'relative-out.txt'));
  symlinkSync('../hello.txt', join(root, 'links', 'inside.txt'));
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(root, 'hello.txt'), old, old);
  server = await startTestServer([staticFiles({ root, listing: true })]);
});

after(async () => {
  await server.stop();
  rmSync(base, { recursive: true, force: true });
});

const get = (path: string, extra = '', method = 'GET'): Promise<string> =>
  exchange(
    server.port,
    `${method} ${path} HTTP/1.1\r\nHost: t\r\n${extra}Connection: close\r\n\r\n`,
  );

const status = (text: string): number => Number(text.slice(9, 12));
const body = (text: string): string => text.slice(text.indexOf('\r\n\r\n') + 4);

test('GET of a file sends its bytes, type, ETag and Last-Modified', async () => {
  const text = await get('/hello.txt');
  assert.equal(status(text), 200);
  assert.match(text, /Content-Type: text\/plain; charset=utf-8\r\n/);
  assert.match(text, /ETag: W\/"[0-9a-f]+-[0-9a-f]+"\r\n/);
  assert.match(text, /Last-Modified: Wed, 01 Jan 2020 00:00:00 GMT\r\n/);
  assert.match(text, /Accept-Ranges: bytes\r\n/);
  assert.equal(body(text), 'hello world\n');
});

test('HEAD of a file sends the head with Content-Length and no body', async () => {
  const text = await get('/big.bin', '', 'HEAD');
  assert.equal(status(text), 200);
  assert.match(text, /Content-Length: 300000\r\n/);
  assert.equal(body(text), '');
});

test('a large file is streamed whole and intact', async () => {
  const text = await get('/big.bin');
  assert.match(text, /Content-Length: 300000\r\n/);
  assert.ok(Buffer.from(body(text), 'latin1').equals(big));
});

test('a directory with an index file serves it', async () => {
  assert.equal(body(await get('/')), '<h1>home</h1>\n');
  assert.equal(body(await get('/withindex/')), 'inner index\n');
});

test('a directory without its trailing slash is redirected with 301', async () => {
  const text = await get('/docs?x=1');
  assert.equal(status(text), 301);
  assert.match(text, /Location: \/docs\/\?x=1\r\n/);
});

test('a directory listing escapes names and links', async () => {
  const text = await get('/docs/');
  assert.equal(status(text), 200);
  assert.match(text, /Content-Type: text\/html; charset=utf-8/);
  assert.match(text, /&lt;script&gt;\.txt/);
  assert.doesNotMatch(body(text), /<script>/);
  assert.match(text, /href="\.\/a%26b\.css"/);
});

test("a directory listing leaves out links that lead outside the root (regression: it showed their targets' type, size and time)", async () => {
  const text = await get('/links/');
  assert.equal(status(text), 200);
  const html = body(text);
  assert.doesNotMatch(html, /passwd|outdir|relative-out/);
  // A link inside the root is listed with what it leads to: hello.txt's 12 bytes.
  assert.match(html, /href="\.\/inside\.txt">inside\.txt<\/a><\/td><td>12<\/td>/);
});

test('If-None-Match with the current ETag gives 304 without a body', async () => {
  const first = await get('/hello.txt');
  const etag = /ETag: (.*)\r\n/.exec(first)?.[1];
  const text = await get('/hello.txt', `If-None-Match: ${etag}\r\n`);
  assert.equal(status(text), 304);
  assert.equal(body(text), '');
  assert.doesNotMatch(text, /Content-Length/);
});

test('If-Modified-Since at or after Last-Modified gives 304', async () => {
  const text = await get('/hello.txt', 'If-Modified-Since: Wed, 01 Jan 2020 00:00:00 GMT\r\n');
  assert.equal(status(text), 304);
  const older = await get('/hello.txt', 'If-Modified-Since: Tue, 31 Dec 2019 00:00:00 GMT\r\n');
  assert.equal(status(older), 200);
});

test('a single Range gives 206 with Content-Range and just those bytes', async () => {
  const text = await get('/big.bin', 'Range: bytes=100-199\r\n');
  assert.equal(status(text), 206);
  assert.match(text, /Content-Range: bytes 100-199\/300000\r\n/);
  assert.match(text, /Content-Length: 100\r\n/);
  assert.ok(Buffer.from(body(text), 'latin1').equals(big.subarray(100, 200)));
});

test('a suffix Range gives the last bytes, streamed when large', async () => {
  const text = await get('/big.bin', 'Range: bytes=-200000\r\n');
  assert.equal(status(text), 206);
  assert.match(text, /Content-Range: bytes 100000-299999\/300000\r\n/);
  assert.ok(Buffer.from(body(text), 'latin1').equals(big.subarray(100000)));
});

test('an unsatisfiable Range gives 416 with the size', async () => {
  const text = await get('/hello.txt', 'Range: bytes=500-\r\n');
  assert.equal(status(text), 416);
  assert.match(text, /Content-Range: bytes \*\/12\r\n/);
});

test('a method other than GET or HEAD gives 405 with Allow', async () => {
  const text = await get('/hello.txt', 'Content-Length: 0\r\n', 'DELETE');
  assert.equal(status(text), 405);
  assert.match(text, /Allow: GET, HEAD\r\n/);
});

test('a missing file gives 404', async () => {
  assert.equal(status(await get('/nope.txt')), 404);
});

test('a symbolic link inside the root is followed', async () => {
  assert.equal(body(await get('/alias.txt')), 'hello world\n');
});

const refusals: Array<[string, string, number]> = [
  ['a dot-dot segment', '/../secret.txt', 400],
  ['a dot-dot segment after a directory', '/docs/../../secret.txt', 400],
  ['percent-encoded dots', '/%2e%2e/secret.txt', 400],
  ['mixed-case encoded dots', '/%2E%2e/secret.txt', 400],
  ['an encoded slash', '/..%2fsecret.txt', 400],
  ['an encoded backslash', '/..%5csecret.txt', 400],
  ['a raw backslash', '/..\\secret.txt', 400],
  ['an encoded NUL byte', '/hello.txt%00.html', 400],
  ['a malformed escape', '/%zz', 400],
  ['a symbolic link to a file outside the root', '/escape.txt', 403],
  ['a symbolic link to a directory outside the root', '/escape-dir/secret.txt', 403],
];

for (const [what, path, code] of refusals) {
  test(`the static handler refuses ${what} with ${code}`, async () => {
    const text = await get(path);
    assert.equal(status(text), code, text);
    assert.doesNotMatch(text, /top secret/);
  });
}

test('a directory without an index and with listing off is forbidden', async () => {
  const quiet = await startTestServer([staticFiles({ root })]);
  try {
    const text = await exchange(
      quiet.port,
      'GET /empty/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
    );
    assert.equal(status(text), 403);
  } finally {
    await quiet.stop();
  }
});

test('typeForFile() gives types with charsets, and octet-stream when unknown', () => {
  assert.equal(typeForFile('a.HTML'), 'text/html; charset=utf-8');
  assert.equal(typeForFile('x.png'), 'image/png');
  assert.equal(typeForFile('noext'), 'application/octet-stream');
  assert.equal(typeForFile('a.unknownext'), 'application/octet-stream');
});

test('a cached small file that is edited is served anew', async () => {
  writeFileSync(join(root, 'edited.txt'), 'version one\n');
  assert.equal(body(await get('/edited.txt')), 'version one\n');
  assert.equal(body(await get('/edited.txt')), 'version one\n');
  writeFileSync(join(root, 'edited.txt'), 'version two, longer\n');
  assert.equal(body(await get('/edited.txt')), 'version two, longer\n');
});

test('a cached path whose link is turned outside the root is refused', async () => {
  symlinkSync(join(root, 'hello.txt'), join(root, 'swing.txt'));
  assert.equal(body(await get('/swing.txt')), 'hello world\n');
  unlinkSync(join(root, 'swing.txt'));
  symlinkSync(join(base, 'secret.txt'), join(root, 'swing.txt'));
  const text = await get('/swing.txt');
  assert.equal(status(text), 403);
  assert.doesNotMatch(text, /top secret/);
});

test('a cached file that is removed gives 404', async () => {
  writeFileSync(join(root, 'gone.txt'), 'here\n');
  assert.equal(status(await get('/gone.txt')), 200);
  unlinkSync(join(root, 'gone.txt'));
  assert.equal(status(await get('/gone.txt')), 404);
});

test('ranges and conditionals work on a cached file', async () => {
  await get('/hello.txt');
  const range = await get('/hello.txt', 'Range: bytes=6-10\r\n');
  assert.equal(status(range), 206);
  assert.equal(body(range), 'world');
  const etag = /ETag: (.*)\r\n/.exec(range)?.[1];
  assert.equal(status(await get('/hello.txt', `If-None-Match: ${etag}\r\n`)), 304);
});
