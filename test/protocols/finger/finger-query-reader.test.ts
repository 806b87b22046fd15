import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FingerQueryReader } from '../../../src/protocols/finger/codec/finger-query-reader.js';
import type {
  FingerParseResult,
  FingerQueryOptions,
} from '../../../src/protocols/finger/codec/parse-query.js';
import { chunkings } from '../../../src/testing/index.js';

/** Feeds `input` cut at `cuts`, drains after each piece, and ends the input if asked. */
function feed(
  input: Buffer,
  cuts: readonly number[],
  options: FingerQueryOptions = {},
  end = false,
): FingerParseResult[] {
  const reader = new FingerQueryReader(options);
  const out: FingerParseResult[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    reader.receiveData(input.subarray(at, cut));
    at = cut;
    for (let ev: FingerParseResult | null; (ev = reader.nextEvent()) !== null; ) out.push(ev);
  }
  if (end) {
    reader.receiveEnd();
    for (let ev: FingerParseResult | null; (ev = reader.nextEvent()) !== null; ) out.push(ev);
  }
  return out;
}

function everySplit(input: Buffer, options: FingerQueryOptions = {}, end = false) {
  const whole = feed(input, [], options, end);
  for (const { label, cuts } of chunkings(input)) {
    assert.deepEqual(feed(input, cuts, options, end), whole, label);
  }
  return whole;
}

test('FingerQueryReader gives the same query for whole, byte-by-byte and every split input', () => {
  const result = everySplit(Buffer.from('/W alice\r\nignored\r\n'));
  assert.deepEqual(result, [{ type: 'user', verbose: true, user: 'alice' }]);
});

test('FingerQueryReader gives one query per connection and ignores what follows', () => {
  const reader = new FingerQueryReader();
  reader.receiveData(Buffer.from('\r\nalice\r\n'));
  assert.deepEqual(reader.nextEvent(), { type: 'list', verbose: false });
  assert.equal(reader.done, true);
  assert.equal(reader.nextEvent(), null);
  reader.receiveData(Buffer.from('bob\r\n'));
  assert.equal(reader.nextEvent(), null);
});

test('FingerQueryReader waits for the line end before answering', () => {
  const reader = new FingerQueryReader();
  reader.receiveData(Buffer.from('alice'));
  assert.equal(reader.nextEvent(), null);
  assert.equal(reader.done, false);
});

test('FingerQueryReader accepts a bare LF as the line end', () => {
  assert.deepEqual(everySplit(Buffer.from('bob@example.org\n')), [
    { type: 'forward', verbose: false, user: 'bob', hosts: ['example.org'] },
  ]);
});

test('FingerQueryReader refuses an over-long query before its line ends', () => {
  const reader = new FingerQueryReader({ maxQueryLength: 8 });
  reader.receiveData(Buffer.alloc(11, 0x61));
  assert.deepEqual(reader.nextEvent(), {
    type: 'refused',
    reason: 'too-long',
    message: 'query too long',
  });
});

test('FingerQueryReader refuses over-long queries the same way however they are split', () => {
  for (const input of [
    'a'.repeat(9),
    `${'a'.repeat(9)}\r\n`,
    `${'a'.repeat(9)}\n`,
    'a'.repeat(30),
  ]) {
    const result = everySplit(Buffer.from(input), { maxQueryLength: 8 }, true);
    assert.deepEqual(
      result.map((r) => r.type === 'refused' && r.reason),
      ['too-long'],
      input,
    );
  }
  assert.deepEqual(everySplit(Buffer.from('abcdefgh\r\n'), { maxQueryLength: 8 }), [
    { type: 'user', verbose: false, user: 'abcdefgh' },
  ]);
});

test('FingerQueryReader takes an unterminated query when the client closes', () => {
  assert.deepEqual(everySplit(Buffer.from('alice'), {}, true), [
    { type: 'user', verbose: false, user: 'alice' },
  ]);
  assert.deepEqual(everySplit(Buffer.from('alice\r'), {}, true), [
    { type: 'user', verbose: false, user: 'alice' },
  ]);
});

test('FingerQueryReader refuses a connection closed before any byte', () => {
  const reader = new FingerQueryReader();
  reader.receiveEnd();
  assert.deepEqual(reader.nextEvent(), {
    type: 'refused',
    reason: 'incomplete',
    message: 'no query received',
  });
});

test('FingerQueryReader refuses hostile bytes in the query line', () => {
  for (const bytes of [
    [0x61, 0xff, 0x0d, 0x0a],
    [0x1b, 0x5b, 0x32, 0x4a, 0x0a],
    [0x00, 0x0a],
  ]) {
    const result = everySplit(Buffer.from(bytes));
    assert.deepEqual(
      result.map((r) => r.type === 'refused' && r.reason),
      ['bad-character'],
    );
  }
});

test('FingerQueryReader answers random bytes at most once and never throws', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }),
      fc.boolean(),
      (chunks, end) => {
        const reader = new FingerQueryReader({ maxQueryLength: 64 });
        let events = 0;
        for (const chunk of chunks) {
          reader.receiveData(chunk);
          while (reader.nextEvent() !== null) events++;
        }
        if (end) reader.receiveEnd();
        while (reader.nextEvent() !== null) events++;
        assert.ok(events <= 1);
        if (end) assert.equal(events, 1);
      },
    ),
  );
});
