import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  AsciiConverter,
  type AsciiDirection,
} from '../../../src/protocols/ftp/codec/ascii-converter.js';
import { chunkings } from '../../../src/testing/index.js';

function convert(direction: AsciiDirection, chunks: Buffer[]): string {
  const c = new AsciiConverter(direction);
  return Buffer.concat([...chunks.map((ch) => c.transform(ch)), c.flush()]).toString('latin1');
}

function assertEveryChunking(direction: AsciiDirection, input: string, expected: string): void {
  for (const { label, chunks } of chunkings(Buffer.from(input, 'latin1'))) {
    assert.equal(convert(direction, chunks), expected, label);
  }
}

test('AsciiConverter to-network turns LF into CRLF at every split, without doubling CRLF', () => {
  assertEveryChunking('to-network', 'a\nb\r\nc\n\nd\re', 'a\r\nb\r\nc\r\n\r\nd\re');
  assertEveryChunking('to-network', '\n', '\r\n');
  assertEveryChunking('to-network', '\r\n\r', '\r\n\r');
});

test('AsciiConverter from-network turns CRLF into LF at every split, a CR at a chunk edge included', () => {
  assertEveryChunking('from-network', 'a\r\nb\nc\r\r\nd\re\r', 'a\nb\nc\r\nd\re\r');
  assertEveryChunking('from-network', '\r\n', '\n');
  assertEveryChunking('from-network', '\r\r\r\n', '\r\r\n');
});

test('AsciiConverter gives the same bytes for random input however it is cut', () => {
  const bytes = fc
    .array(fc.constantFrom(0x0d, 0x0a, 0x41), { maxLength: 40 })
    .map((a) => Buffer.from(a));
  fc.assert(
    fc.property(
      bytes,
      fc.array(fc.nat(40), { maxLength: 5 }),
      fc.constantFrom('to-network' as const, 'from-network' as const),
      (input, cuts, direction) => {
        const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort(
          (a, b) => a - b,
        );
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of [...points, input.length]) {
          chunks.push(input.subarray(at, p));
          at = p;
        }
        assert.equal(convert(direction, chunks), convert(direction, [input]));
      },
    ),
  );
});

test('AsciiConverter from-network undoes to-network on text that has no bare CR', () => {
  const text = fc
    .array(fc.constantFrom('a', 'b', '\n', '\r\n'), { maxLength: 30 })
    .map((a) => a.join(''));
  fc.assert(
    fc.property(text, (t) => {
      const wire = convert('to-network', [Buffer.from(t, 'latin1')]);
      assert.ok(!/[^\r]\n|^\n/.test(wire));
      assert.equal(
        convert('from-network', [Buffer.from(wire, 'latin1')]),
        t.replace(/\r\n/g, '\n'),
      );
    }),
  );
});

test('AsciiConverter refuses an unknown direction', () => {
  assert.throws(() => new AsciiConverter('sideways' as AsciiDirection), TypeError);
});
