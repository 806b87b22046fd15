import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CHARGEN_CYCLE_BYTES,
  ChargenGenerator,
  chargenDatagram,
  chargenLine,
} from '../../../src/protocols/small/codec/chargen-generator.js';

/** The start of the pattern exactly as RFC 864 prints it. */
const RFC_864_EXAMPLE = [
  '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh',
  '"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghi',
  "#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghij",
  "$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijk",
  "%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijkl",
  "&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklm",
];

/** Line n built from the RFC 864 rule: characters n..n+71 of the 95-character ring. */
function ruleLine(n: number): string {
  const ring = `${Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('')} `;
  return Array.from({ length: 72 }, (_, i) => ring[(n + i) % 95]).join('');
}

test('ChargenGenerator starts with the lines RFC 864 shows, each ended by CRLF', () => {
  const text = new ChargenGenerator().read(74 * RFC_864_EXAMPLE.length).toString('latin1');
  assert.equal(text, RFC_864_EXAMPLE.map((line) => `${line}\r\n`).join(''));
});

test('chargenLine() follows the RFC 864 rule for all 95 lines and wraps the space', () => {
  for (let n = 0; n < 95; n++) assert.equal(chargenLine(n), ruleLine(n), `line ${n}`);
  assert.equal(chargenLine(95), chargenLine(0));
  assert.ok(chargenLine(94).startsWith(' !"#'));
  assert.ok(chargenLine(23).endsWith('~ '));
});

test('ChargenGenerator repeats after 95 lines of 74 bytes', () => {
  const gen = new ChargenGenerator();
  const first = Buffer.from(gen.nextChunk());
  assert.equal(first.length, CHARGEN_CYCLE_BYTES);
  assert.deepEqual(gen.nextChunk(), first);
  assert.equal(gen.position, 2 * CHARGEN_CYCLE_BYTES);
});

test('ChargenGenerator gives the same stream however it is cut into chunks', () => {
  const whole = new ChargenGenerator(10).read(10 * CHARGEN_CYCLE_BYTES);
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: CHARGEN_CYCLE_BYTES }), { maxLength: 10 }),
      (sizes) => {
        const gen = new ChargenGenerator(10);
        const parts = sizes.map((size) => Buffer.from(gen.nextChunk(size)));
        const joined = Buffer.concat(parts);
        assert.deepEqual(joined, whole.subarray(0, joined.length));
      },
    ),
  );
});

test('ChargenGenerator starts anywhere in the stream', () => {
  const whole = new ChargenGenerator().read(3 * CHARGEN_CYCLE_BYTES);
  for (const offset of [0, 1, 73, 74, 7029, 7030, 7031, 10_000]) {
    const gen = new ChargenGenerator(offset);
    assert.deepEqual(gen.read(100), whole.subarray(offset, offset + 100), `offset ${offset}`);
  }
  assert.deepEqual(
    new ChargenGenerator(5 * CHARGEN_CYCLE_BYTES + 74).read(72).toString(),
    chargenLine(1),
  );
});

test('ChargenGenerator chunks are views of one shared pattern, not copies', () => {
  const a = new ChargenGenerator().nextChunk(100);
  const b = new ChargenGenerator(CHARGEN_CYCLE_BYTES).nextChunk(100);
  assert.equal(a.buffer, b.buffer);
  assert.equal(a.byteOffset, b.byteOffset);
});

test('ChargenGenerator iterates full-turn chunks without end', () => {
  let count = 0;
  for (const chunk of new ChargenGenerator()) {
    assert.equal(chunk.length, CHARGEN_CYCLE_BYTES);
    if (++count === 3) break;
  }
  assert.equal(count, 3);
});

test('ChargenGenerator rejects a bad offset and a bad chunk size', () => {
  assert.throws(() => new ChargenGenerator(-1), RangeError);
  assert.throws(() => new ChargenGenerator(1.5), RangeError);
  assert.throws(() => new ChargenGenerator().nextChunk(0), RangeError);
  assert.throws(() => new ChargenGenerator().nextChunk(CHARGEN_CYCLE_BYTES + 1), RangeError);
  assert.throws(() => new ChargenGenerator().read(-1), RangeError);
  assert.throws(() => chargenLine(-1), RangeError);
});

test('chargenDatagram() sends 0 to 512 characters chosen by the random source', () => {
  assert.equal(chargenDatagram(() => 0).length, 0);
  assert.equal(chargenDatagram(() => 0.999_999_9).length, 512);
  assert.equal(chargenDatagram(() => 0.01).toString(), '!"#$%');
  assert.equal(chargenDatagram(() => 0.5, { maxLength: 9, offset: 72 }).toString(), '\r\n"#$');
});

test('chargenDatagram() rejects a random source outside [0, 1) and a bad maximum', () => {
  assert.throws(() => chargenDatagram(() => 1), RangeError);
  assert.throws(() => chargenDatagram(() => -0.1), RangeError);
  assert.throws(() => chargenDatagram(() => Number.NaN), RangeError);
  assert.throws(() => chargenDatagram(() => 0, { maxLength: 513 }), RangeError);
});

test('chargenDatagram() is always a prefix of the stream of at most 512 bytes', () => {
  const stream = new ChargenGenerator().read(512);
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
      const datagram = chargenDatagram(() => r);
      assert.ok(datagram.length <= 512);
      assert.deepEqual(datagram, stream.subarray(0, datagram.length));
    }),
  );
});
