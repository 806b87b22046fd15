/**
 * curl against polyport's HTTP server: GET, HEAD, Range, conditional requests, keep-alive over
 * two URLs, and a chunked upload from stdin.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { staticFiles, uploadFiles } from '../../src/protocols/http/index.js';
import { runTool, startTestServer, type TestServer } from '../protocols/http/support/server.js';
import { needs } from '../support/interop.js';

const curl = needs('curl');
let dir: string;
let server: TestServer;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'polyport-curl-'));
  mkdirSync(join(dir, 'www'));
  mkdirSync(join(dir, 'incoming'));
  writeFileSync(join(dir, 'www', 'hello.txt'), 'hello, curl\n');
  writeFileSync(join(dir, 'www', 'index.html'), '<p>index</p>\n');
  const stamp = new Date('2024-05-01T12:00:00Z');
  utimesSync(join(dir, 'www', 'hello.txt'), stamp, stamp);
  server = await startTestServer([
    uploadFiles({ root: join(dir, 'incoming'), prefix: '/incoming/' }),
    staticFiles({ root: join(dir, 'www') }),
  ]);
  base = `http://127.0.0.1:${server.port}`;
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('curl GETs a file with its type and length', curl, async () => {
  const { code, stdout } = await runTool('curl', ['-s', '-D', '-', `${base}/hello.txt`]);
  assert.equal(code, 0);
  assert.match(stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(stdout, /Content-Type: text\/plain; charset=utf-8\r\n/);
  assert.match(stdout, /Content-Length: 12\r\n/);
  assert.ok(stdout.endsWith('\r\n\r\nhello, curl\n'));
});

test('curl -I sends HEAD and gets the head only', curl, async () => {
  const { code, stdout } = await runTool('curl', ['-s', '-I', `${base}/hello.txt`]);
  assert.equal(code, 0);
  assert.match(stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(stdout, /Content-Length: 12\r\n/);
  assert.ok(stdout.endsWith('\r\n\r\n'));
});

test('curl -r gets a byte range with 206', curl, async () => {
  const { stdout } = await runTool('curl', [
    '-s',
    '-r',
    '0-4',
    '-w',
    '|%{http_code}',
    `${base}/hello.txt`,
  ]);
  assert.equal(stdout, 'hello|206');
});

test('curl -z with the file date gets 304', curl, async () => {
  const { stdout } = await runTool('curl', [
    '-s',
    '-z',
    'Wed, 01 May 2024 12:00:00 GMT',
    '-w',
    '%{http_code}',
    `${base}/hello.txt`,
  ]);
  assert.equal(stdout, '304');
});

test('curl with If-None-Match of the current ETag gets 304', curl, async () => {
  const head = await runTool('curl', ['-s', '-I', `${base}/hello.txt`]);
  const etag = /ETag: (.*)\r\n/.exec(head.stdout)?.[1] ?? '';
  assert.ok(etag.length > 0);
  const { stdout } = await runTool('curl', [
    '-s',
    '-H',
    `If-None-Match: ${etag}`,
    '-w',
    '%{http_code}',
    `${base}/hello.txt`,
  ]);
  assert.equal(stdout, '304');
});

test('curl fetches two URLs over one kept-alive connection', curl, async () => {
  const { code, stdout, stderr } = await runTool('curl', [
    '-sv',
    `${base}/hello.txt`,
    `${base}/index.html`,
  ]);
  assert.equal(code, 0);
  assert.equal(stdout, 'hello, curl\n<p>index</p>\n');
  assert.match(stderr, /Re-?using existing connection/i);
});

test('curl -T - uploads from stdin with chunked Transfer-Encoding', curl, async () => {
  const data = 'uploaded by curl\n'.repeat(1000);
  const { code, stdout } = await runTool(
    'curl',
    [
      '-s',
      '-T',
      '-',
      '-H',
      'Transfer-Encoding: chunked',
      '-w',
      '%{http_code}',
      '-o',
      '/dev/null',
      `${base}/incoming/from-curl.txt`,
    ],
    { input: data },
  );
  assert.equal(code, 0);
  assert.equal(stdout, '201');
  assert.equal(readFileSync(join(dir, 'incoming', 'from-curl.txt'), 'utf8'), data);
});

test('curl gets 400 for a path escaping the root', curl, async () => {
  const { stdout } = await runTool('curl', [
    '-s',
    '--path-as-is',
    '-w',
    '%{http_code}',
    '-o',
    '/dev/null',
    `${base}/../etc/passwd`,
  ]);
  assert.equal(stdout, '400');
});
