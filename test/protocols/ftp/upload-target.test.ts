import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openUpload, UploadError } from '../../../src/protocols/ftp/index.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'polyport-upload-'));

test('openUpload() STOR writes under a hidden temporary name and commit() renames it into place', async () => {
  const d = dir();
  const final = join(d, 'a.txt');
  const target = await openUpload('STOR', final, 0);
  writeSync(target.fd, 'new');
  assert.ok(!existsSync(final));
  assert.equal(readdirSync(d).length, 1);
  assert.match(readdirSync(d)[0] ?? '', /^\.a\.txt\.part-[0-9a-f]{12}$/);
  await target.commit();
  assert.equal(readFileSync(final, 'utf8'), 'new');
  assert.deepEqual(readdirSync(d), ['a.txt']);
});

test('openUpload() STOR over an existing file keeps the old one until commit()', async () => {
  const d = dir();
  const final = join(d, 'a.txt');
  writeFileSync(final, 'old');
  const target = await openUpload('STOR', final, 0);
  writeSync(target.fd, 'partial');
  await target.discard(false);
  assert.equal(readFileSync(final, 'utf8'), 'old');
  assert.deepEqual(readdirSync(d), ['a.txt']);
});

test('openUpload() discard(true) keeps a cut upload under the final name for a resume', async () => {
  const d = dir();
  const final = join(d, 'a.txt');
  const target = await openUpload('STOR', final, 0);
  writeSync(target.fd, 'part');
  await target.discard(true);
  assert.equal(readFileSync(final, 'utf8'), 'part');
});

test('openUpload() STOR after REST cuts the file at the offset and writes from there', async () => {
  const d = dir();
  const final = join(d, 'a.txt');
  writeFileSync(final, '0123456789');
  const target = await openUpload('STOR', final, 4);
  assert.equal(target.position, 4);
  writeSync(target.fd, 'ab', target.position);
  await target.commit();
  assert.equal(readFileSync(final, 'utf8'), '0123ab');
  await assert.rejects(
    openUpload('STOR', final, 100),
    (e) => e instanceof UploadError && e.code === 554,
  );
  await assert.rejects(
    openUpload('STOR', join(d, 'none'), 1),
    (e) => e instanceof UploadError && e.code === 554,
  );
});

test('openUpload() APPE appends to an existing file and creates a missing one atomically', async () => {
  const d = dir();
  const final = join(d, 'log');
  writeFileSync(final, 'one');
  const target = await openUpload('APPE', final, 0);
  assert.equal(target.position, null);
  writeSync(target.fd, 'two');
  await target.commit();
  assert.equal(readFileSync(final, 'utf8'), 'onetwo');
  const fresh = await openUpload('APPE', join(d, 'new'), 0);
  writeSync(fresh.fd, 'x');
  assert.ok(!existsSync(join(d, 'new')));
  await fresh.commit();
  assert.equal(readFileSync(join(d, 'new'), 'utf8'), 'x');
});

test('openUpload() STOU picks a name that is not taken', async () => {
  const d = dir();
  writeFileSync(join(d, 'f'), '');
  writeFileSync(join(d, 'f.1'), '');
  const target = await openUpload('STOU', join(d, 'f'), 0);
  assert.equal(target.finalPath, join(d, 'f.2'));
  await target.commit();
  assert.ok(existsSync(join(d, 'f.2')));
});
