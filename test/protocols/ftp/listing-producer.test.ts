import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  collectListing,
  type ListingFormat,
  ListingProducer,
} from '../../../src/protocols/ftp/server/listing-producer.js';

let base: string;
let root: string;

before(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'polyport-listing-')));
  root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'pub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'hello.txt'), 'hello, world\n');
  writeFileSync(join(outside, 'secret.txt'), 'a secret of 27 bytes, here\n');
  symlinkSync('/etc/passwd', join(root, 'pub', 'passwd'));
  symlinkSync(outside, join(root, 'pub', 'outdir'));
  symlinkSync('../../outside/secret.txt', join(root, 'pub', 'relative-out'));
  symlinkSync('/nonexistent/far/away', join(root, 'pub', 'dangling-out'));
  symlinkSync('../hello.txt', join(root, 'pub', 'inside.txt'));
  symlinkSync('missing.txt', join(root, 'pub', 'dangling-in'));
  writeFileSync(join(root, 'pub', 'readme.txt'), 'read me\n');
});

after(() => rmSync(base, { recursive: true, force: true }));

function lines(format: ListingFormat): Promise<string[]> {
  return collectListing(
    join(root, 'pub'),
    { format, now: new Date(), permissions: new Set(['list', 'read']), root },
    1000,
  );
}

const OUT = /passwd|outdir|relative-out|dangling-out|secret|outside|etc/;

test('LIST leaves out symbolic links that lead outside the root (regression: it showed them, with their targets)', async () => {
  const list = await lines('list');
  assert.equal(list.length, 3, list.join('\n'));
  for (const line of list) assert.doesNotMatch(line, OUT);
  assert.ok(list.some((l) => /^l.* inside\.txt -> \.\.\/hello\.txt$/.test(l)));
  assert.ok(list.some((l) => /^l.* dangling-in -> missing\.txt$/.test(l)));
});

test('MLSD leaves out links to files and directories outside the root (regression: it showed their size, time and type)', async () => {
  const mlsd = await lines('mlsd');
  assert.equal(mlsd.length, 3, mlsd.join('\n'));
  for (const line of mlsd) assert.doesNotMatch(line, OUT);
  // A link inside the root is still followed: the file it leads to, under the link's name.
  assert.ok(
    mlsd.some((l) => /type=file;size=13;.* inside\.txt$/.test(l)),
    mlsd.join('\n'),
  );
});

test('NLST leaves out links that lead outside the root', async () => {
  assert.deepEqual((await lines('nlst')).sort(), ['dangling-in', 'inside.txt', 'readme.txt']);
});

test('ListingProducer without a root lists every link, as before', async () => {
  const producer = new ListingProducer(join(root, 'pub'), {
    format: 'nlst',
    now: new Date(),
    permissions: new Set(),
  });
  const text = Buffer.from(await producer.more()).toString();
  producer.close();
  assert.match(text, /passwd/);
});

test('ListingProducer keeps only the names match accepts, puts namePrefix before them and stops at maxEntries', async () => {
  const producer = new ListingProducer(join(root, 'pub'), {
    format: 'nlst',
    now: new Date(),
    permissions: new Set(),
    root,
    match: (name) => name.endsWith('.txt'),
    namePrefix: 'pub/',
  });
  const text = Buffer.from(await producer.more()).toString();
  producer.close();
  assert.deepEqual(text.split('\r\n').filter(Boolean).sort(), ['pub/inside.txt', 'pub/readme.txt']);
  const capped = await collectListing(
    join(root, 'pub'),
    { format: 'nlst', now: new Date(), permissions: new Set(), root, maxEntries: 1 },
    1000,
  );
  assert.equal(capped.length, 1);
});
