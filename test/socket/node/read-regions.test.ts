import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLIENT_READ_SIZE,
  releaseSlabBytes,
  reserveReadRegion,
  takeReadRegion,
} from '../../../src/socket/node/read-slab.js';

/** Whether two views share any byte. */
function overlap(a: Buffer, b: Buffer): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.length &&
    b.byteOffset < a.byteOffset + a.length
  );
}

/** Where a view starts in its backing store, and that store. */
function at(view: Buffer): [ArrayBufferLike, number] {
  return [view.buffer, view.byteOffset];
}

test('one stream’s reads land back to back: a region’s unread rest is taken by the next region', () => {
  const first = reserveReadRegion(CLIENT_READ_SIZE);
  const bytes = takeReadRegion(first, 1000);
  assert.equal(bytes.length, 1000);
  assert.deepEqual(at(bytes), at(first));
  const second = reserveReadRegion(CLIENT_READ_SIZE);
  // Right after the 1,000 bytes handed out, 8-byte aligned.
  assert.equal(second.buffer, first.buffer);
  assert.equal(second.byteOffset, first.byteOffset + 1000);
  takeReadRegion(second, 0);
  releaseSlabBytes(bytes.buffer, bytes.length);
});

test('regions reserved by two streams at once never overlap, whatever each then reads', () => {
  const a = reserveReadRegion(CLIENT_READ_SIZE);
  const b = reserveReadRegion(CLIENT_READ_SIZE);
  assert.equal(overlap(a, b), false);
  a.fill(1);
  b.fill(2);
  const fromA = takeReadRegion(a, 100);
  // A third region while b still waits: not inside b's.
  const c = reserveReadRegion(CLIENT_READ_SIZE);
  assert.equal(overlap(c, b), false);
  c.fill(3);
  const fromB = takeReadRegion(b, CLIENT_READ_SIZE);
  assert.ok(fromA.every((x) => x === 1));
  assert.ok(fromB.every((x) => x === 2));
  takeReadRegion(c, 0);
});
