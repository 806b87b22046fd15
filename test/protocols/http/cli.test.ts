import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliIO } from '../../../src/protocols/common/index.js';
import { httpCommand, routeHandler } from '../../../src/protocols/http/index.js';
import { startTestServer, type TestServer } from './support/server.js';

/** 3 MiB and 5 bytes that differ from one position to the next: many batches, a ragged end. */
const BIG = Buffer.alloc(3 * 1024 * 1024 + 5);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 7 + (i >> 12)) & 0xff;

let server: TestServer;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'polyport-httpcmd-'));
  server = await startTestServer([
    routeHandler('GET', '/hello', (_q, r) => r.send('hello\n')),
    routeHandler('POST', '/echo', async (q, r) => {
      const body = await q.body.text();
      r.send(`POST ${q.headers.get('content-type') ?? '-'} ${body}\n`);
    }),
    routeHandler('GET', '/big', (_q, r) => r.send(BIG)),
    routeHandler('PUT', '/big', async (q, r) => {
      const same = (await q.body.buffer()).equals(BIG);
      r.status = same ? 201 : 400;
      r.send(same ? 'same bytes\n' : 'different bytes\n');
    }),
    routeHandler('DELETE', '/thing', (_q, r) => {
      r.status = 204;
      r.send('');
    }),
    routeHandler('PUT', '/up', async (q, r) => {
      const body = await q.body.text();
      r.status = 201;
      r.send(
        `got ${body.length} bytes via ${q.headers.has('transfer-encoding') ? 'chunked' : 'length'}\n`,
      );
    }),
  ]);
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(
  argv: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const io: CliIO = {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    isTTY: false,
    interrupted: new Promise(() => {}),
  };
  const code = await httpCommand.run(argv, io);
  return { code, out, err };
}

const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;

test('polyport http GET prints the body and exits 0', async () => {
  const { code, out } = await run([url('/hello')]);
  assert.equal(code, 0);
  assert.equal(out, 'hello\n');
});

test('polyport http exits 1 for a 404', async () => {
  const { code } = await run(['GET', url('/missing')]);
  assert.equal(code, 1);
});

test('polyport http HEAD --include prints the status line and fields only', async () => {
  const { code, out } = await run(['HEAD', url('/hello'), '--include']);
  assert.equal(code, 0);
  assert.match(out, /^HTTP\/1\.1 200 OK\n/);
  assert.match(out, /Content-Length: 6\n/);
  assert.doesNotMatch(out, /hello/);
});

test('polyport http --output writes the body to a file', async () => {
  const file = join(dir, 'out.txt');
  const { code, out } = await run([url('/hello'), '-o', file]);
  assert.equal(code, 0);
  assert.equal(out, '');
  assert.equal(readFileSync(file, 'utf8'), 'hello\n');
});

test('polyport http -o and PUT -d @FILE move a multi-MiB body byte for byte', async () => {
  const file = join(dir, 'big.bin');
  const got = await run([url('/big'), '-o', file]);
  assert.equal(got.code, 0, got.err);
  assert.ok(readFileSync(file).equals(BIG), 'the file holds the body as sent');
  const put = await run(['PUT', url('/big'), '--data', `@${file}`]);
  assert.equal(put.out, 'same bytes\n');
  assert.equal(put.code, 0);
});

test('polyport http PUT sends @file with a length and @- (stdin) chunked', async () => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'abcdef');
  const fromFile = await run(['PUT', url('/up'), '--data', `@${file}`]);
  assert.equal(fromFile.code, 0);
  assert.equal(fromFile.out, 'got 6 bytes via length\n');
  const fromStdin = await run(['PUT', url('/up'), '--data', '@-', '-H', 'X-Test: 1'], 'xyz');
  assert.equal(fromStdin.out, 'got 3 bytes via chunked\n');
  const dash = await run(['PUT', url('/up'), '--data', '-'], 'xy');
  assert.equal(dash.out, 'got 2 bytes via chunked\n');
});

test('polyport http --data TEXT sends the text itself and means POST, as curl', async () => {
  const { code, out, err } = await run([url('/echo'), '--data', 'name=demo&x=1']);
  assert.equal(code, 0, err);
  assert.equal(out, 'POST application/x-www-form-urlencoded name=demo&x=1\n');
  const typed = await run([url('/echo'), '-d', '{"a":1}', '-H', 'Content-Type: application/json']);
  assert.equal(typed.out, 'POST application/json {"a":1}\n');
  const literal = await run(['PUT', url('/up'), '--data', 'in.txt']);
  assert.equal(literal.out, 'got 6 bytes via length\n');
});

test('polyport http -X POST and -X DELETE choose the method', async () => {
  const post = await run(['-X', 'POST', url('/echo')]);
  assert.equal(post.code, 0, post.err);
  assert.equal(post.out, 'POST - \n');
  const del = await run(['-X', 'delete', url('/thing')]);
  assert.equal(del.code, 0, del.err);
  assert.equal((await run(['DELETE', url('/thing')])).code, 0);
});

test('polyport http -o - writes the body to stdout', async () => {
  const { code, out } = await run([url('/hello'), '-o', '-']);
  assert.equal(code, 0);
  assert.equal(out, 'hello\n');
});

test('polyport http --data @missing is one line, exit 1', async () => {
  const { code, err } = await run([url('/echo'), '--data', '@/nonexistent/file']);
  assert.equal(code, 1);
  assert.equal(err, 'polyport http: --data @/nonexistent/file: cannot read it (ENOENT)\n');
});

test('polyport http rejects bad usage with exit 2 and prints help with --help', async () => {
  assert.equal((await run(['BREW', url('/')])).code, 2);
  assert.equal((await run(['GET', url('/'), '--data', 'x'])).code, 2);
  assert.equal((await run(['PUT', url('/'), '-X', 'POST'])).code, 2);
  assert.equal((await run(['ftp://x/'])).code, 2);
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^Usage: polyport http/);
});

test('polyport http exits 1 when the server cannot be reached', async () => {
  const { code, err } = await run(['http://127.0.0.1:1/', '-t', '2']);
  assert.equal(code, 1);
  assert.match(err, /^polyport http: /);
});
