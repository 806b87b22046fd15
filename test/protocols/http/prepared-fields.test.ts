import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreparedFields } from '../../../src/protocols/http/index.js';

test('PreparedFields encodes field lines once, in order', () => {
  const fields = new PreparedFields([
    ['ETag', 'W/"1-2"'],
    ['Content-Type', 'text/html; charset=utf-8'],
  ]);
  assert.equal(fields.text, 'ETag: W/"1-2"\r\nContent-Type: text/html; charset=utf-8\r\n');
  assert.deepEqual(fields.pairs, [
    ['ETag', 'W/"1-2"'],
    ['Content-Type', 'text/html; charset=utf-8'],
  ]);
});

test('PreparedFields refuses a value with CR or LF, a bad name and framing fields', () => {
  assert.throws(() => new PreparedFields([['X-A', 'a\r\nInjected: 1']]), TypeError);
  assert.throws(() => new PreparedFields([['Bad Name', 'a']]), TypeError);
  assert.throws(() => new PreparedFields([['content-length', '5']]), TypeError);
  assert.throws(() => new PreparedFields([['Transfer-Encoding', 'chunked']]), TypeError);
  assert.throws(() => new PreparedFields([['Connection', 'close']]), TypeError);
});
