import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BUILT_IN_QUOTES } from '../../../src/protocols/small/codec/built-in-quotes.js';
import {
  formatQuote,
  parseQuotes,
  quoteOfTheDay,
  randomQuote,
} from '../../../src/protocols/small/codec/qotd.js';

test('BUILT_IN_QUOTES holds about thirty attributed ASCII quotations that fit RFC 865', () => {
  assert.ok(BUILT_IN_QUOTES.length >= 30);
  assert.equal(new Set(BUILT_IN_QUOTES).size, BUILT_IN_QUOTES.length);
  for (const quote of BUILT_IN_QUOTES) {
    assert.match(quote, /^[\t\n\x20-\x7e]+$/);
    assert.match(quote, /\n\t-- \S/);
    assert.ok(formatQuote(quote).toString().replace(/\r\n/g, '\n') === `${quote}\n`, quote);
  }
});

test('parseQuotes() splits a fortune file at lines holding only %', () => {
  const file = '%\nFirst.\n%\n\nSecond,\n  -- someone\n\n%\n%\nThird.\r\n%\r\n';
  assert.deepEqual(parseQuotes(file), ['First.', 'Second,\n  -- someone', 'Third.']);
});

test('parseQuotes() keeps a % that is part of a line', () => {
  assert.deepEqual(parseQuotes('100% sure\n%\n% of it'), ['100% sure', '% of it']);
});

test('parseQuotes() gives no quotation for an empty or separator-only file', () => {
  assert.deepEqual(parseQuotes(''), []);
  assert.deepEqual(parseQuotes('%\n%\n\n%'), []);
});

test('quoteOfTheDay() gives the same quotation all day and the next one the next day', () => {
  const quotes = ['a', 'b', 'c'];
  const day = Date.UTC(2026, 10, 24) / 86_400_000;
  const expected = quotes[day % 3];
  assert.equal(quoteOfTheDay(quotes, new Date('2026-11-24T00:00:00Z')), expected);
  assert.equal(quoteOfTheDay(quotes, new Date('2026-11-24T23:59:59Z')), expected);
  assert.equal(quoteOfTheDay(quotes, new Date('2026-11-25T00:00:00Z')), quotes[(day + 1) % 3]);
  assert.equal(quoteOfTheDay(quotes, new Date('1969-12-31T12:00:00Z')), 'c');
});

test('randomQuote() picks by the injected random source', () => {
  assert.equal(
    randomQuote(['a', 'b', 'c', 'd'], () => 0),
    'a',
  );
  assert.equal(
    randomQuote(['a', 'b', 'c', 'd'], () => 0.99),
    'd',
  );
  assert.throws(() => randomQuote(['a'], () => 1), RangeError);
});

test('quoteOfTheDay() and randomQuote() reject an empty list', () => {
  assert.throws(() => quoteOfTheDay([], new Date()), RangeError);
  assert.throws(() => randomQuote([], Math.random), RangeError);
  assert.throws(() => quoteOfTheDay(['a'], new Date(Number.NaN)), RangeError);
});

test('formatQuote() ends every line with CRLF and strips escape sequences', () => {
  assert.equal(
    formatQuote('Hello\x1b[31m red\x07\nworld\r\n\n').toString(),
    'Hello[31m red\r\nworld\r\n',
  );
});

test('formatQuote() cuts at the last whole line within 512 bytes', () => {
  const line = 'x'.repeat(98);
  const out = formatQuote(Array.from({ length: 10 }, () => line).join('\n'));
  assert.equal(out.length, 500);
  assert.equal(out.toString(), `${line}\r\n`.repeat(5));
});

test('formatQuote() cuts a single over-long line at a character boundary', () => {
  const out = formatQuote('é'.repeat(600));
  assert.equal(out.toString(), `${'é'.repeat(255)}\r\n`);
  assert.deepEqual(
    [...formatQuote('abcdef', { maxLength: 5 }).toString()],
    ['a', 'b', 'c', '\r', '\n'],
  );
  assert.throws(() => formatQuote('a', { maxLength: 513 }), RangeError);
});

test('formatQuote() output is bounded and control-free for any text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
      const out = formatQuote(text);
      assert.ok(out.length <= 512);
      for (const byte of out) {
        assert.ok(byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d, `byte ${byte}`);
        assert.notEqual(byte, 0x7f);
      }
    }),
  );
});
