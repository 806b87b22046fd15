import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSource } from '../../../src/protocols/common/file-source.js';

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
  for (let c = source.read(); c.length > 0; c = source.read()) parts.push(c);
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

test('FileSource gives each chunk its own memory, so a chunk handed over stays unchanged', () => {
  withFile(Buffer.from('aaaabbbbcc'), (path) => {
    const source = new FileSource(path, { chunkSize: 4 });
    const first = source.read();
    const second = source.read();
    const last = source.read();
    assert.notEqual(second.buffer, first.buffer, 'separate memory');
    assert.equal(first.toString(), 'aaaa', 'not overwritten by the next read');
    assert.equal(second.toString(), 'bbbb');
    assert.equal(last.toString(), 'cc', 'a short last chunk holds only the bytes read');
    assert.equal(source.read().length, 0);
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
