import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkQueue } from '../../../src/protocols/ftp/index.js';

test('ChunkQueue delivers chunks in order and makes push() wait while the consumer is behind', async () => {
  const q = new ChunkQueue(2);
  let pushed = 0;
  const producer = (async () => {
    for (let i = 0; i < 5; i++) {
      await q.push(Buffer.from([i]));
      pushed++;
    }
    q.end();
  })();
  await new Promise((r) => setImmediate(r));
  assert.ok(pushed < 5, 'the producer waits for room');
  const got: number[] = [];
  for await (const c of q) got.push(c[0] as number);
  await producer;
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
});

test('ChunkQueue throws the producer error after the queued chunks', async () => {
  const q = new ChunkQueue(4);
  await q.push(Buffer.from('a'));
  q.end(new Error('cut'));
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const c of q) got.push(c.toString());
  }, /cut/);
  assert.deepEqual(got, ['a']);
});

test('ChunkQueue releases a waiting producer when the consumer stops early', async () => {
  const q = new ChunkQueue(1);
  const producer = (async () => {
    for (let i = 0; i < 10; i++) await q.push(Buffer.from([i]));
  })();
  for await (const _ of q) break;
  await producer;
});

test('ChunkQueue rejects a limit that is not a positive integer', () => {
  assert.throws(() => new ChunkQueue(0), RangeError);
});
