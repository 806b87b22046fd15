import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Producer } from '../../../src/dispatch/index.js';
import { FramingProducer } from '../../../src/protocols/http/server/framing-producer.js';

/** A producer that returns the same buffer, refilled, for each of `chunks` chunks. */
function reusing(chunks: number, size: number, fresh?: boolean): Producer {
  const buffer = Buffer.alloc(size);
  let left = chunks;
  return {
    ...(fresh === undefined ? {} : { freshChunks: fresh }),
    more: () => (left === 0 ? new Uint8Array(0) : buffer.fill(0x40 + left--)),
  };
}

/** Every chunk of a synchronous producer, in order. */
function drain(producer: Producer): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const chunk = producer.more();
    assert.ok(!(chunk instanceof Promise));
    if (chunk.length === 0) return out;
    out.push(Buffer.from(chunk));
  }
}

test('FramingProducer: a length-framed body is handed over uncopied exactly when the handler says its chunks are fresh', () => {
  const noop = (): void => {};
  assert.equal(new FramingProducer(reusing(1, 4, true), 'length', 4, noop).freshChunks, true);
  assert.equal(new FramingProducer(reusing(1, 4, false), 'length', 4, noop).freshChunks, false);
  assert.equal(new FramingProducer(reusing(1, 4), 'length', 4, noop).freshChunks, false);
  assert.equal(new FramingProducer(reusing(1, 4), 'close', null, noop).freshChunks, false);
});

test('FramingProducer: chunked framing copies each chunk into a new buffer, so it is always fresh and a reused source buffer does not show', () => {
  let sent = -1;
  const framing = new FramingProducer(reusing(2, 3), 'chunked', null, (bytes) => {
    sent = bytes;
  });
  assert.equal(framing.freshChunks, true);
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = framing.more();
    assert.ok(!(chunk instanceof Promise));
    if (chunk.length === 0) break;
    chunks.push(chunk);
  }
  // Read after all were produced: had a chunk been a view of the reused buffer, both would say AAA.
  assert.deepEqual(
    chunks.map((c) => Buffer.from(c).toString('latin1')),
    ['3\r\nBBB\r\n', '3\r\nAAA\r\n', '0\r\n\r\n'],
  );
  assert.equal(sent, 6);
});

test('FramingProducer: a length-framed body stops at the declared length', () => {
  const framing = new FramingProducer(reusing(3, 4, true), 'length', 6, () => {});
  assert.deepEqual(
    drain(framing).map((c) => c.toString('latin1')),
    ['CCCC', 'BB'],
  );
});
