import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkings } from '../../src/testing/index.js';

test('chunkings() yields the input whole, byte by byte, then split in two at every offset', () => {
  const all = [...chunkings(Buffer.from('abc'))];
  assert.deepEqual(
    all.map((c) => c.label),
    ['whole', 'byte by byte', 'split at 0', 'split at 1', 'split at 2', 'split at 3'],
  );
  assert.deepEqual(
    all.map((c) => c.chunks.map((b) => b.toString())),
    [['abc'], ['a', 'b', 'c'], ['', 'abc'], ['a', 'bc'], ['ab', 'c'], ['abc', '']],
  );
  assert.deepEqual(
    all.map((c) => c.cuts),
    [[], [1, 2], [0], [1], [2], [3]],
  );
});

test('chunkings() pieces always join back into the input, for bytes and for text', () => {
  const bytes = Buffer.from('HELO a\r\nQUIT\r\n');
  for (const { label, chunks } of chunkings(bytes)) {
    assert.ok(Buffer.isBuffer(chunks[0]), label);
    assert.deepEqual(Buffer.concat(chunks), bytes, label);
  }
  for (const { label, chunks } of chunkings('USER demo\r\n')) {
    assert.equal(chunks.join(''), 'USER demo\r\n', label);
  }
});

test('chunkings() hands out views of the input, not copies', () => {
  const bytes = Buffer.from('xyz');
  const [, byteByByte] = chunkings(bytes);
  assert.equal(byteByByte?.chunks[1]?.buffer, bytes.buffer);
});

test('chunkings() of empty input yields one empty piece whole and byte by byte, and two split at 0', () => {
  assert.deepEqual(
    [...chunkings('')].map((c) => [c.label, c.chunks]),
    [
      ['whole', ['']],
      ['byte by byte', ['']],
      ['split at 0', ['', '']],
    ],
  );
});
