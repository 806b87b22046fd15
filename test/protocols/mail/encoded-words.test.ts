import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeHeaderText,
  encodeAddress,
  encodeHeaderText,
  envelopeAddress,
} from '../../../src/protocols/mail/codec/message/encoded-words.js';

test('encodeHeaderText() leaves ASCII alone and encodes the rest as UTF-8 B words', () => {
  assert.equal(encodeHeaderText('hello there'), 'hello there');
  assert.equal(encodeHeaderText('Grüße'), '=?UTF-8?B?R3LDvMOfZQ==?=');
});

test('encodeHeaderText() keeps every word within 75 characters, never splitting a character', () => {
  const text = 'Ünïcödé '.repeat(20) + '😀'.repeat(10);
  const encoded = encodeHeaderText(text);
  const words = encoded.split('\r\n ');
  assert.ok(words.length > 1);
  for (const word of words) {
    assert.ok(word.length <= 75, word);
    assert.match(word, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    // Each word decodes alone: no character was cut in half.
    assert.doesNotMatch(decodeHeaderText(word), /\uFFFD/);
  }
  assert.equal(decodeHeaderText(encoded), text);
});

test('decodeHeaderText() reads B and Q words, joins adjacent ones and keeps plain text', () => {
  assert.equal(decodeHeaderText('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Bern'), 'Grüße aus Bern');
  assert.equal(decodeHeaderText('=?utf-8?b?R3LDvA==?= =?utf-8?b?w59l?='), 'Grüße');
  assert.equal(decodeHeaderText('=?ISO-8859-1?Q?Caf=E9_noir?='), 'Café noir');
  assert.equal(decodeHeaderText('plain'), 'plain');
  assert.equal(decodeHeaderText('=?x-unknown?B?YQ==?='), '=?x-unknown?B?YQ==?=');
});

test('encodeAddress() encodes only the display name; envelopeAddress() takes the address', () => {
  assert.equal(encodeAddress('j@example.test'), 'j@example.test');
  assert.equal(encodeAddress('Jöns <j@example.test>'), '=?UTF-8?B?SsO2bnM=?= <j@example.test>');
  assert.equal(encodeAddress('Doe, John <j@example.test>'), '"Doe, John" <j@example.test>');
  assert.equal(envelopeAddress('Jöns <j@example.test>'), 'j@example.test');
  assert.equal(envelopeAddress(' j@example.test '), 'j@example.test');
});
