import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type DnsTcpEvent,
  DnsTcpFramer,
  frame,
} from '../../../src/protocols/dns/codec/tcp-framer.js';
import { chunkings } from '../../../src/testing/index.js';
import { loadHex } from './support.js';

function drain(framer: DnsTcpFramer): string[] {
  const out: string[] = [];
  for (let ev: DnsTcpEvent | null; (ev = framer.nextEvent()) !== null; ) {
    out.push(ev.type === 'message' ? ev.message.toString('hex') : `too-large:${ev.length}`);
  }
  return out;
}

function feed(chunks: readonly Buffer[], max?: number): string[] {
  const framer = new DnsTcpFramer(max === undefined ? {} : { maxMessageSize: max });
  const out: string[] = [];
  for (const piece of chunks) {
    framer.receiveData(piece);
    out.push(...drain(framer));
  }
  return out;
}

const q1 = loadHex('dig-query-a-edns-cookie.hex');
const q2 = loadHex('dig-query-mx-noedns.hex');

test('DnsTcpFramer gives the same messages for whole, byte-by-byte and every split input', () => {
  const stream = Buffer.concat([frame(q1), frame(q2), frame(q1)]);
  const expected = [q1, q2, q1].map((b) => b.toString('hex'));
  for (const { label, chunks } of chunkings(stream)) {
    assert.deepEqual(feed(chunks), expected, label);
  }
});

test('DnsTcpFramer skips an over-long message and goes on with the next, however it is cut', () => {
  const big = Buffer.alloc(100, 7);
  const stream = Buffer.concat([frame(big), frame(q2)]);
  for (const { label, chunks } of chunkings(stream)) {
    assert.deepEqual(feed(chunks, 64), ['too-large:100', q2.toString('hex')], label);
  }
});

test('DnsTcpFramer never buffers an over-long message', () => {
  const framer = new DnsTcpFramer({ maxMessageSize: 512 });
  framer.receiveData(Buffer.from([0xff, 0xff]));
  assert.deepEqual(framer.nextEvent(), { type: 'too-large', length: 65535 });
  for (let i = 0; i < 60; i++) {
    framer.receiveData(Buffer.alloc(1000));
    assert.equal(framer.bufferedLength, 0);
  }
  framer.receiveData(Buffer.concat([Buffer.alloc(5535), frame(q2)]));
  assert.equal(framer.nextEvent()?.type, 'message');
});

test('DnsTcpFramer reports a zero-length message as an empty message', () => {
  assert.deepEqual(feed([Buffer.from([0, 0])]), ['']);
});

test('DnsTcpFramer.takeBuffered() hands back exactly the unread bytes', () => {
  const framer = new DnsTcpFramer();
  const partial = frame(q1).subarray(0, 10);
  framer.receiveData(Buffer.concat([frame(q2), partial]));
  assert.equal(framer.nextEvent()?.type, 'message');
  assert.equal(framer.nextEvent(), null);
  assert.equal(framer.bufferedLength, 10);
  assert.deepEqual(framer.takeBuffered(), partial);
  assert.equal(framer.bufferedLength, 0);
});

test('DnsTcpFramer rejects limits outside 12..65535 and frame() rejects over-long messages', () => {
  assert.throws(() => new DnsTcpFramer({ maxMessageSize: 11 }), RangeError);
  assert.throws(() => new DnsTcpFramer({ maxMessageSize: 65536 }), RangeError);
  assert.throws(() => frame(Buffer.alloc(65536)), RangeError);
  assert.deepEqual([...frame(Buffer.from([9, 9]))], [0, 2, 9, 9]);
});

test('DnsTcpFramer never throws on random streams and loses no framed byte', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 8 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.nat({ max: 1000 }), { maxLength: 6 }),
      (messages, junk, rawCuts) => {
        const stream = Buffer.concat([...messages.map((m) => frame(m)), Buffer.from(junk)]);
        const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort(
          (a, b) => a - b,
        );
        const ends = [...cuts, stream.length];
        const chunks = ends.map((end, i) => stream.subarray(ends[i - 1] ?? 0, end));
        const got = feed(chunks, 65535);
        assert.deepEqual(
          got.slice(0, messages.length),
          messages.map((m) => Buffer.from(m).toString('hex')),
        );
      },
    ),
    { numRuns: 1000 },
  );
});
