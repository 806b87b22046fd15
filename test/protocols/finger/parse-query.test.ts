import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseQuery } from '../../../src/protocols/finger/codec/parse-query.js';

test('parseQuery() reads an empty query as a request for the user list', () => {
  assert.deepEqual(parseQuery(''), { type: 'list', verbose: false });
  assert.deepEqual(parseQuery('\r\n'), { type: 'list', verbose: false });
  assert.deepEqual(parseQuery('   '), { type: 'list', verbose: false });
});

test('parseQuery() reads /W alone as a verbose user list', () => {
  assert.deepEqual(parseQuery('/W'), { type: 'list', verbose: true });
  assert.deepEqual(parseQuery('/w\r\n'), { type: 'list', verbose: true });
});

test('parseQuery() reads a user name, with or without /W', () => {
  assert.deepEqual(parseQuery('alice'), { type: 'user', verbose: false, user: 'alice' });
  assert.deepEqual(parseQuery('/W alice'), { type: 'user', verbose: true, user: 'alice' });
  assert.deepEqual(parseQuery('/W \t  alice  '), { type: 'user', verbose: true, user: 'alice' });
  assert.deepEqual(parseQuery(Buffer.from('alice\r\n')), {
    type: 'user',
    verbose: false,
    user: 'alice',
  });
});

test('parseQuery() reads user@host and @host chains as forwarding requests', () => {
  assert.deepEqual(parseQuery('bob@example.org'), {
    type: 'forward',
    verbose: false,
    user: 'bob',
    hosts: ['example.org'],
  });
  assert.deepEqual(parseQuery('/W @a.example@b.example@[::1]'), {
    type: 'forward',
    verbose: true,
    user: '',
    hosts: ['a.example', 'b.example', '[::1]'],
  });
});

test('parseQuery() refuses an empty host name in a forwarding request', () => {
  for (const query of ['bob@', 'bob@@host', '@', 'bob@host@', 'bob@ho$t']) {
    assert.equal(parseQuery(query).type, 'refused', query);
  }
});

test('parseQuery() refuses unknown switches and more than one name', () => {
  assert.deepEqual(parseQuery('/X'), {
    type: 'refused',
    reason: 'syntax',
    message: 'unknown switch; only /W is known',
  });
  assert.equal(parseQuery('/Walice').type, 'refused');
  assert.equal(parseQuery('alice bob').type, 'refused');
  assert.equal(parseQuery('alice /W').type, 'refused');
});

test('parseQuery() refuses control characters, DEL and bytes above 0x7e', () => {
  for (const query of ['ali\x1bce', 'a\x00', 'a\rb', 'a\x7f', 'caf\xe9', 'a\x9b']) {
    assert.deepEqual(parseQuery(query), {
      type: 'refused',
      reason: 'bad-character',
      message: 'query holds a control or non-ASCII character',
    });
  }
  assert.equal(parseQuery(Buffer.from([0x61, 0xff, 0x0d, 0x0a])).type, 'refused');
});

test('parseQuery() refuses a query over the length limit and accepts one at it', () => {
  assert.equal(parseQuery('a'.repeat(512)).type, 'user');
  assert.equal(parseQuery(`${'a'.repeat(512)}\r\n`).type, 'user');
  assert.deepEqual(parseQuery('a'.repeat(513)), {
    type: 'refused',
    reason: 'too-long',
    message: 'query too long',
  });
  assert.equal(parseQuery('abcdef', { maxQueryLength: 5 }).type, 'refused');
});

test('parseQuery() rejects a length limit that is not a positive integer', () => {
  assert.throws(() => parseQuery('', { maxQueryLength: 0 }), RangeError);
  assert.throws(() => parseQuery('', { maxQueryLength: 1.5 }), RangeError);
});

test('parseQuery() answers random bytes with a query or a refusal, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const result = parseQuery(bytes);
      assert.ok(['list', 'user', 'forward', 'refused'].includes(result.type));
      if (result.type === 'user') assert.match(result.user, /^[\x21-\x7e]+$/);
    }),
  );
});
