import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileSink } from '../../../src/protocols/common/file-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'polyport-file-sink-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `n` bytes that differ from one position to the next, so a misplaced batch shows. */
function pattern(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

test('FileSink writes chunks of any size in order across many batches', () => {
  const path = join(dir, 'order.bin');
  const sink = FileSink.open(path, { batchBytes: 1000 });
  const chunks = [1, 999, 1000, 1, 4097, 3, 2500, 0, 7].map((n, i) => pattern(n, i));
  for (const chunk of chunks) sink.write(chunk);
  sink.close();
  assert.deepEqual(readFileSync(path), Buffer.concat(chunks));
});

test('FileSink replaces an existing file, and with start keeps the bytes before it', () => {
  const path = join(dir, 'resume.bin');
  writeFileSync(path, 'old old old old');
  const fresh = FileSink.open(path);
  fresh.write(Buffer.from('new'));
  fresh.close();
  assert.equal(readFileSync(path, 'utf8'), 'new');
  const resumed = FileSink.open(path, { start: 2 });
  resumed.write(Buffer.from('w and more'));
  resumed.close();
  assert.equal(readFileSync(path, 'utf8'), 'new and more');
});

test('FileSink.write() puts a full batch in the file before it returns, and keeps a partial one', () => {
  const path = join(dir, 'batches.bin');
  const sink = FileSink.open(path, { batchBytes: 4 });
  sink.write(Buffer.from('aa'));
  assert.equal(readFileSync(path, 'utf8'), '', 'half a batch is gathered');
  sink.write(Buffer.from('aabb'));
  assert.equal(readFileSync(path, 'utf8'), 'aaaabb', 'a full batch is written whole');
  sink.write(Buffer.from('c'));
  sink.close();
  assert.equal(readFileSync(path, 'utf8'), 'aaaabbc', 'close() writes the rest');
});

test('FileSink.write() throws the error of a failed write, again later, and close() still closes', (t) => {
  if (!existsSync('/dev/full')) return t.skip('no /dev/full on this system');
  const sink = FileSink.open('/dev/full', { batchBytes: 4 });
  assert.throws(() => sink.write(Buffer.from('full')), { code: 'ENOSPC' });
  assert.throws(() => sink.write(Buffer.from('more')), { code: 'ENOSPC' });
  assert.throws(() => sink.close(), { code: 'ENOSPC' });
  sink.close(); // closing twice is harmless
});

test('FileSink.abandon() closes the file without writing what is gathered', () => {
  const path = join(dir, 'abandon.bin');
  const sink = FileSink.open(path, { batchBytes: 4 });
  sink.write(Buffer.from('sent'));
  sink.write(Buffer.from('kept'.slice(0, 3)));
  sink.abandon();
  assert.equal(readFileSync(path, 'utf8'), 'sent');
  assert.throws(() => sink.write(Buffer.from('x')), /after close/);
});

test('FileSink.open() refuses a bad start or batch size', () => {
  assert.throws(() => FileSink.open(join(dir, 'x'), { start: -1 }), RangeError);
  assert.throws(() => FileSink.open(join(dir, 'x'), { batchBytes: 0 }), RangeError);
});

test('FileSink gives each chunk to release() once, after its bytes are in the file', () => {
  const path = join(dir, 'release.bin');
  const released: { chunk: Uint8Array; fileBytes: number }[] = [];
  const sink = FileSink.open(path, {
    batchBytes: 8,
    release: (chunk) => released.push({ chunk, fileBytes: readFileSync(path).length }),
  });
  const chunks = [5, 3, 9, 1, 12, 2].map((n, i) => pattern(n, i));
  for (const chunk of chunks) sink.write(chunk);
  sink.close();
  assert.equal(released.length, chunks.length, 'every chunk once');
  assert.ok(
    released.every((r, i) => r.chunk === chunks[i]),
    'in order, the very chunk written (no copy)',
  );
  let through = 0;
  for (const [i, { fileBytes }] of released.entries()) {
    through += chunks[i]!.length;
    assert.ok(fileBytes >= through, `chunk ${i} released before its bytes reached the file`);
  }
});
