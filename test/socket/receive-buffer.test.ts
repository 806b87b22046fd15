import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ReceiveBuffer } from '../../src/socket/receive-buffer.js';
import { chunkings } from '../../src/testing/index.js';

describe('ReceiveBuffer', () => {
  test('take() returns bytes in order across chunk boundaries, however the input was cut', () => {
    const data = Buffer.from('0123456789abcdef');
    for (const { label, chunks } of chunkings(data)) {
      for (let n = 1; n <= data.length; n++) {
        const buffer = new ReceiveBuffer();
        for (const chunk of chunks) buffer.push(chunk);
        const out: Buffer[] = [];
        while (buffer.length > 0) out.push(buffer.take(n));
        assert.deepEqual(Buffer.concat(out), data, `${label}, take(${n})`);
      }
    }
  });

  test('only bytes copied out and dropped are released; views handed out never are', () => {
    const released: Array<[ArrayBufferLike, number]> = [];
    const buffer = new ReceiveBuffer((backing, bytes) => released.push([backing, bytes]));
    // Memory of their own (Buffer.from() of a string may share a pool).
    const own = (text: string): Buffer => {
      const bytes = Buffer.allocUnsafeSlow(text.length);
      bytes.write(text, 'latin1');
      return bytes;
    };
    const one = own('0123456789');
    const two = own('abcdef');
    buffer.push(one);
    buffer.push(two);
    const view = buffer.take(4); // a view of `one`: the caller's now
    assert.equal(view.buffer, one.buffer);
    const peeked = buffer.take(3, true);
    assert.notEqual(peeked.buffer, one.buffer, 'a peek copies: its bytes stay queued');
    assert.deepEqual(released, []);
    const target = Buffer.alloc(8);
    assert.equal(buffer.takeInto(target, 8), 8);
    assert.equal(target.toString(), '456789ab');
    assert.deepEqual(released, [
      [one.buffer, 6],
      [two.buffer, 2],
    ]);
    buffer.clear();
    assert.deepEqual(released.at(-1), [two.buffer, 4], 'dropped bytes are released too');
  });

  test('take() with peek leaves the bytes in place', () => {
    const buffer = new ReceiveBuffer();
    buffer.push(Buffer.from('ab'));
    buffer.push(Buffer.from('cd'));
    assert.equal(buffer.take(3, true).toString(), 'abc');
    assert.equal(buffer.length, 4);
    assert.equal(buffer.take(4).toString(), 'abcd');
    assert.equal(buffer.take(4).length, 0);
  });

  test('takeInto() copies into the target and unshift() puts bytes back at the front', () => {
    const buffer = new ReceiveBuffer();
    buffer.push(Buffer.from('hello'));
    buffer.push(Buffer.from(' world'));
    const target = Buffer.alloc(7);
    assert.equal(buffer.takeInto(target, 7), 7);
    assert.equal(target.toString(), 'hello w');
    buffer.unshift(Buffer.from('w'));
    assert.equal(buffer.takeAll().toString(), 'world');
    assert.equal(buffer.length, 0);
  });

  test('any sequence of pushes and reads returns the bytes pushed, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
        (chunks, sizes) => {
          const buffer = new ReceiveBuffer();
          for (const c of chunks) buffer.push(Buffer.from(c));
          const out: Buffer[] = [];
          for (let i = 0; buffer.length > 0; i++) {
            const n = sizes[i % sizes.length] as number;
            if (i % 3 === 0) {
              const target = Buffer.alloc(n);
              out.push(target.subarray(0, buffer.takeInto(target, n)));
            } else out.push(buffer.take(n));
          }
          assert.deepEqual(Buffer.concat(out), Buffer.concat(chunks.map((c) => Buffer.from(c))));
        },
      ),
    );
  });
});
