import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  oneLine,
  splitLines,
  stripControlCharacters,
  toAscii,
} from '../../../src/protocols/finger/codec/sanitize-text.js';

test('stripControlCharacters() removes escape sequences but keeps CR, LF and TAB', () => {
  assert.equal(stripControlCharacters('a\x1b[2J\x07b\tc\r\nd\x7f\x9b31m'), 'a[2Jb\tc\r\nd31m');
});

test('stripControlCharacters() keeps printable non-ASCII text', () => {
  assert.equal(stripControlCharacters('José — 日本'), 'José — 日本');
});

test('stripControlCharacters() output never holds a control other than CR, LF and TAB', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const bytes = Buffer.from(stripControlCharacters(text), 'utf8');
      for (const byte of bytes) {
        assert.ok(byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d, `byte ${byte}`);
        assert.notEqual(byte, 0x7f);
      }
    }),
  );
});

test('oneLine() turns line breaks and tabs into spaces so a field cannot add a line', () => {
  assert.equal(oneLine('Alice\r\nLogin: root\tx'), 'Alice  Login: root x');
});

test('splitLines() splits at CRLF, LF and bare CR and drops trailing breaks', () => {
  assert.deepEqual(splitLines('a\r\nb\nc\rd\n\n'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitLines(''), []);
});

test('toAscii() replaces each non-ASCII character with one question mark', () => {
  assert.equal(toAscii('José 😀'), 'Jos? ?');
});
