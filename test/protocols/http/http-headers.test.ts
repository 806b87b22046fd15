import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFieldValue, isToken } from '../../../src/protocols/http/codec/field-syntax.js';
import { HttpHeaders } from '../../../src/protocols/http/codec/http-headers.js';

test('HttpHeaders keeps wire order and spelling and looks names up in any case', () => {
  const headers = HttpHeaders.from([
    ['Set-Cookie', 'a=1'],
    ['Host', 'x'],
    ['set-cookie', 'b=2'],
  ]);
  assert.equal(headers.size, 3);
  assert.equal(headers.nameAt(2), 'set-cookie');
  assert.equal(headers.valueAt(1), 'x');
  assert.deepEqual(headers.getAll('SET-COOKIE'), ['a=1', 'b=2']);
  assert.equal(headers.get('set-cookie'), 'a=1, b=2');
  assert.equal(headers.get('missing'), undefined);
  assert.equal(headers.has('HOST'), true);
  assert.deepEqual(
    [...headers].map(([n]) => n),
    ['Set-Cookie', 'Host', 'set-cookie'],
  );
});

test('HttpHeaders refuses an odd flat array with TypeError and a bad index with RangeError', () => {
  assert.throws(() => new HttpHeaders(['only-a-name']), TypeError);
  const headers = HttpHeaders.from([['A', '1']]);
  assert.throws(() => headers.nameAt(1), RangeError);
  assert.throws(() => headers.valueAt(-1), RangeError);
  assert.throws(() => headers.nameAt(0.5), RangeError);
});

test('isToken() accepts tchar strings only', () => {
  assert.equal(isToken("!#$%&'*+-.^_`|~09AZaz"), true);
  for (const bad of ['', 'a b', 'a:b', 'a\r', 'caf\u00e9', 'a"b', 'a(b)']) {
    assert.equal(isToken(bad), false, JSON.stringify(bad));
  }
});

test('isFieldValue() refuses control characters other than HTAB and non-Latin-1 text', () => {
  assert.equal(isFieldValue('text/html; q=0.9\tcaf\u00e9'), true);
  for (const bad of ['a\rb', 'a\nb', 'a\0b', 'a\x7fb', '\u2603']) {
    assert.equal(isFieldValue(bad), false, JSON.stringify(bad));
  }
});
