import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LineEvent, LineSplitter } from '../../../src/protocols/common/line-splitter.js';
import { chunkings } from '../../../src/testing/index.js';

function drain(splitter: LineSplitter): Array<string | number> {
  const out: Array<string | number> = [];
  for (let ev: LineEvent | null; (ev = splitter.next()) !== null; ) {
    out.push(ev.type === 'line' ? `${ev.line.toString('latin1')}|${ev.ending}` : -ev.length);
  }
  return out;
}

function feedSplit(input: string, cuts: readonly number[], max: number): Array<string | number> {
  const splitter = new LineSplitter({ maxLineLength: max });
  const bytes = Buffer.from(input, 'latin1');
  const out: Array<string | number> = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(at, cut));
    at = cut;
    out.push(...drain(splitter));
  }
  return out;
}

const input = 'USER demo\r\nPASS x\nNOOP\r\n\r\nlast';
const expected = ['USER demo|crlf', 'PASS x|lf', 'NOOP|crlf', '|crlf'];

test('LineSplitter gives the same lines for whole, byte-by-byte and every split input', () => {
  for (const { label, cuts } of chunkings(input)) {
    assert.deepEqual(feedSplit(input, cuts, 64), expected, label);
  }
});

test('LineSplitter reports an over-long line once and goes on with the next', () => {
  const long = `${'x'.repeat(100)}\r\nNOOP\r\n`;
  for (const { label, cuts } of chunkings(long)) {
    assert.deepEqual(feedSplit(long, cuts, 10), [-100, 'NOOP|crlf'], label);
  }
});

test('LineSplitter accepts a line of exactly the limit, CRLF included', () => {
  assert.deepEqual(feedSplit('abcd\r\n', [5], 4), ['abcd|crlf']);
});

test('LineSplitter never holds more than the limit while discarding', () => {
  const splitter = new LineSplitter({ maxLineLength: 8 });
  for (let i = 0; i < 1000; i++) {
    splitter.push(Buffer.alloc(1024, 0x41));
    assert.equal(splitter.next(), null);
  }
  assert.ok(splitter.bufferedLength <= 9);
});

test('LineSplitter.takeBuffered returns the bytes after the last line, once', () => {
  const splitter = new LineSplitter({ maxLineLength: 64 });
  splitter.push(Buffer.from('AUTH TLS\r\n\x16\x03\x01'));
  assert.deepEqual(drain(splitter), ['AUTH TLS|crlf']);
  assert.deepEqual([...splitter.takeBuffered()], [0x16, 0x03, 0x01]);
  assert.equal(splitter.takeBuffered().length, 0);
});

test('LineSplitter rejects a limit that is not a positive integer', () => {
  assert.throws(() => new LineSplitter({ maxLineLength: 0 }), RangeError);
});
