/**
 * The static handler and the event loop: listing a huge directory does not stop other services,
 * queued file responses hold no descriptors, `//docs` is no open redirect, and no request path
 * makes a synchronous file-system call.
 */
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve } from '../../../src/host/index.js';
import {
  FileChangedError,
  type HttpHandler,
  LazyFileProducer,
  staticFiles,
} from '../../../src/protocols/http/index.js';
import { createConnection } from '../../../src/socket/index.js';
import { memoryLogger, portOf, testConfig } from '../../support/host.js';
import { connect, exchange, readUntil, startTestServer } from './support/server.js';

let base: string;
let root: string;
const BIG = 1024 * 1024;
const LISTED = 10_000;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'polyport-static-loop-'));
  root = join(base, 'www');
  mkdirSync(join(root, 'docs'), { recursive: true });
  mkdirSync(join(root, 'many'));
  writeFileSync(join(root, 'small.txt'), 'small\n');
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(BIG, 7));
  for (let i = 0; i < LISTED; i++) writeFileSync(join(root, 'many', `file-${i}.txt`), `${i}\n`);
});

after(() => {
  rmSync(base, { recursive: true, force: true });
});

const status = (text: string): number => Number(text.slice(9, 12));
const field = (text: string, name: string): string | undefined =>
  new RegExp(`^${name}: ([^\\r]*)\\r$`, 'mi').exec(text)?.[1];

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

/** Waits until `count()` stops growing for a while (at most `seconds`). */
async function settle(count: () => number, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() < until) {
    const now = count();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 300) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('GET //docs redirects to /docs/, not to the protocol-relative //docs/', async () => {
  const server = await startTestServer([staticFiles({ root })]);
  try {
    for (const [target, location] of [
      ['//docs', '/docs/'],
      ['///docs?x=1', '/docs/?x=1'],
      ['//docs//', null],
      ['/docs', '/docs/'],
    ] as const) {
      const text = await exchange(
        server.port,
        `GET ${target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`,
      );
      if (location === null) {
        assert.notEqual(status(text), 301, `${target} is the directory itself`);
        continue;
      }
      assert.equal(status(text), 301, target);
      assert.equal(field(text, 'Location'), location, target);
    }
  } finally {
    await server.stop();
  }
});

test('queued file responses hold no descriptor: a file is opened when its body is sent', async () => {
  let handled = 0;
  const files = staticFiles({ root });
  const counting: HttpHandler = {
    match: (request) => files.match(request),
    async handle(request, response) {
      await files.handle(request, response);
      handled++;
    },
  };
  const server = await startTestServer([counting]);
  const sock = await connect(server.port);
  try {
    // One whole exchange first, so the server's side of the connection exists.
    await sock.sendall('GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n');
    const first = await readUntil(sock, (t) => t.endsWith('small\n'));
    assert.equal(status(first), 200);
    const baseline = openDescriptors();
    const queued = 20;
    // Pipelined requests for a large file; the client reads nothing, so the first body fills
    // the socket buffers and the rest wait behind it.
    await sock.sendall('GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n'.repeat(queued));
    // However many the server takes before it stops reading (it bounds queued output).
    await settle(() => handled, 5);
    assert.ok(handled >= 4, `several responses are queued (${handled - 1} handled)`);
    const opened = openDescriptors() - baseline;
    assert.ok(
      opened <= 1,
      `${opened} descriptors opened for ${handled - 1} queued responses (one, the file being sent, at most)`,
    );
    // Read now: every response arrives whole and in order, each file opened in its turn.
    sock.settimeout(30);
    const parts: Buffer[] = [];
    let total = 0;
    let expected = Number.POSITIVE_INFINITY;
    while (total < expected) {
      const data = await sock.recv(1 << 20);
      assert.ok(data.length > 0, `the server closed after ${total} bytes`);
      parts.push(data);
      total += data.length;
      if (expected === Number.POSITIVE_INFINITY) {
        const headEnd = Buffer.concat(parts).indexOf('\r\n\r\n');
        // Every head has the same length (the Date field is fixed-width).
        if (headEnd !== -1) expected = queued * (headEnd + 4 + BIG);
      }
    }
    const all = Buffer.concat(parts).toString('latin1');
    assert.equal(all.length, expected);
    assert.equal(all.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, queued);
  } finally {
    sock.close();
    await server.stop();
  }
});

test('a file replaced between the head and the body is not sent in its place', async () => {
  const path = join(base, 'swap.txt');
  writeFileSync(path, 'first version\n');
  const { dev, ino, size } = statSync(path);
  writeFileSync(join(base, 'swap.new'), 'other file, xx\n');
  renameSync(join(base, 'swap.new'), path);
  const producer = new LazyFileProducer({ path, dev, ino, start: 0, end: size, chunkSize: 4 });
  await assert.rejects(Promise.resolve(producer.more()), FileChangedError);
  const same = statSync(path);
  const good = new LazyFileProducer({ ...same, path, start: 0, end: same.size, chunkSize: 64 });
  assert.equal(Buffer.from(await good.more()).toString(), readFileSync(path, 'utf8'));
  good.close();
});

test('listing a 10,000-entry directory does not stop echo: round trips go on while it is made', async () => {
  const { logger } = memoryLogger();
  const host = await serve({ config: testConfig([`http.root=${root}`]), logger });
  const echo = await createConnection(['127.0.0.1', portOf(host, 'echo')], 5);
  const web = await createConnection(['127.0.0.1', portOf(host, 'http')], 5);
  try {
    await echo.sendall('warm');
    assert.equal((await echo.recv(10)).toString(), 'warm');
    let arrived = false;
    web.settimeout(30);
    await web.sendall('GET /many/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    const head = web.recv(65536).then((data) => {
      arrived = true;
      return data;
    });
    // Sequential round trips while the listing is made. A listing made on the event loop
    // (readdirSync and 10,000 statSync) blocks every one of them until it is done, so at most
    // one or two complete before its first byte; made asynchronously, the loop turns between
    // the file-system calls and echo answers all along.
    let trips = 0;
    echo.settimeout(10);
    while (!arrived) {
      await echo.sendall('x');
      assert.equal((await echo.recv(10)).toString(), 'x');
      trips++;
    }
    const text = (await head).toString('latin1');
    assert.equal(status(text), 200);
    assert.ok(trips >= 10, `${trips} echo round trips completed while the listing was made`);
    const page = await readUntil(web, (t) => t.includes('</html>'), 30).then((rest) => text + rest);
    assert.equal((page.match(/<a href="\.\/file-\d+\.txt">/g) ?? []).length, LISTED);
  } finally {
    echo.close();
    web.close();
    await host.stop(1000);
  }
});

test('no request path of the HTTP and FTP file servers calls a synchronous fs function', () => {
  // Startup (staticFiles resolving its root once) may block; requests may not. FTP's file
  // source reads one bounded chunk synchronously (as FileProducer does) when the socket has
  // room: it is checked to open nothing synchronously beyond that.
  const files: Record<string, readonly string[]> = {
    'src/protocols/http/server/static-files.ts': ['realpathSync'],
    'src/protocols/http/server/directory-listing.ts': [],
    'src/protocols/http/server/safe-path.ts': [],
    'src/protocols/http/server/small-file-cache.ts': [],
    'src/protocols/http/server/head-cache.ts': [],
    'src/protocols/http/server/lazy-file-producer.ts': [],
    'src/protocols/ftp/server/listing-producer.ts': [],
    'src/protocols/ftp/server/list-target.ts': [],
    'src/protocols/ftp/server/file-commands.ts': [],
    'src/protocols/ftp/server/ftp-jail.ts': [],
  };
  const repo = new URL('../../../', import.meta.url).pathname;
  for (const [file, allowed] of Object.entries(files)) {
    // The code only: a comment may name a synchronous call (to say why it is not made).
    const text = readFileSync(join(repo, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    const used = new Set(text.match(/\b[a-z][A-Za-z]*Sync\b/g) ?? []);
    for (const name of allowed) used.delete(name);
    assert.deepEqual([...used], [], `${file} calls no *Sync function on request paths`);
  }
  const statics = readFileSync(join(repo, 'src/protocols/http/server/static-files.ts'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  assert.equal(
    statics.match(/realpathSync/g)?.length,
    2,
    'static-files.ts: realpathSync imported and used once, for the root at startup',
  );
});
