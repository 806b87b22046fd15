import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSource } from '../../../src/protocols/ftp/file-source.js';

function withFile(bytes: Buffer, body: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-file-source-'));
  try {
    const path = join(dir, 'f.bin');
    writeFileSync(path, bytes);
    body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readAll(source: FileSource): Buffer {
  const parts: Buffer[] = [];
  // Copy each chunk: it is a view of the source's buffer, overwritten by the next read.
  for (let c = source.read(); c.length > 0; c = source.read()) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

test('FileSource reads a file whole in chunks of the size asked, from a REST offset', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  withFile(bytes, (path) => {
    assert.deepEqual(readAll(new FileSource(path, { chunkSize: 64 })), bytes);
    assert.deepEqual(
      readAll(new FileSource(path, { chunkSize: 7, start: 990 })),
      bytes.subarray(990),
    );
    assert.equal(new FileSource(path, { start: 1000 }).read().length, 0);
  });
});

test('FileSource reuses one buffer: a chunk is valid only until the next read', () => {
  withFile(Buffer.from('aaaabbbb'), (path) => {
    const source = new FileSource(path, { chunkSize: 4 });
    const first = source.read();
    assert.equal(first.toString(), 'aaaa');
    const second = source.read();
    assert.equal(second.buffer, first.buffer, 'the same memory');
    assert.equal(first.toString(), 'bbbb');
  });
});

test('FileSource reads nothing more after close(), and closing twice is harmless', () => {
  withFile(Buffer.from('hello'), (path) => {
    const source = new FileSource(path, { chunkSize: 2 });
    assert.equal(source.read().toString(), 'he');
    source.close();
    source.close();
    assert.equal(source.read().length, 0);
  });
});

test('FileSource reports a missing file on the first read and rejects bad options', () => {
  const source = new FileSource('/nonexistent/polyport/file');
  assert.throws(() => source.read(), /ENOENT/);
  assert.throws(() => new FileSource('x', { start: -1 }), RangeError);
  assert.throws(() => new FileSource('x', { chunkSize: 0 }), RangeError);
});
