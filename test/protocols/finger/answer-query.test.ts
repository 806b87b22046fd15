import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  answerQuery,
  formatForwardingDenied,
  formatNoSuchUser,
  formatRefusal,
} from '../../../src/protocols/finger/codec/answer-query.js';
import { findUsers } from '../../../src/protocols/finger/codec/finger-user.js';
import { formatUserList } from '../../../src/protocols/finger/codec/format-user-list.js';
import { formatUserRecords } from '../../../src/protocols/finger/codec/format-user-record.js';
import { parseQuery } from '../../../src/protocols/finger/codec/parse-query.js';
import { alice, bob, mallory, NOW } from './fixtures.js';

const users = [alice, bob, mallory];

test('answerQuery() lists only logged-in users for an empty query', () => {
  assert.deepEqual(
    answerQuery(parseQuery(''), users, { now: NOW }),
    formatUserList([alice, mallory], { now: NOW }),
  );
});

test('answerQuery() lists every user when listAllUsers is set', () => {
  assert.deepEqual(
    answerQuery(parseQuery(''), users, { now: NOW, listAllUsers: true }),
    formatUserList(users, { now: NOW }),
  );
});

test('answerQuery() sends long records of the listed users for /W', () => {
  assert.deepEqual(
    answerQuery(parseQuery('/W'), users, { now: NOW }),
    formatUserRecords([alice, mallory]),
  );
});

test('answerQuery() says no one is logged on for /W when nobody is', () => {
  assert.equal(
    answerQuery(parseQuery('/W'), [bob], { now: NOW }).toString(),
    'No one logged on.\r\n',
  );
});

test('answerQuery() sends the long record of a named user, with or without /W', () => {
  assert.deepEqual(
    answerQuery(parseQuery('alice'), users, { now: NOW }),
    formatUserRecords([alice]),
  );
  assert.deepEqual(
    answerQuery(parseQuery('/W bob'), users, { now: NOW }),
    formatUserRecords([bob]),
  );
});

test('answerQuery() matches a word of the real name without regard to case', () => {
  assert.deepEqual(
    answerQuery(parseQuery('LIDDELL'), users, { now: NOW }),
    formatUserRecords([alice]),
  );
});

test('answerQuery() says no such user for a name that matches nobody', () => {
  assert.equal(
    answerQuery(parseQuery('carol'), users, { now: NOW }).toString(),
    'finger: carol: no such user.\r\n',
  );
});

test('answerQuery() denies forwarding requests', () => {
  for (const query of ['bob@example.org', '@example.org', '/W a@b@c']) {
    assert.equal(
      answerQuery(parseQuery(query), users, { now: NOW }).toString(),
      'Finger forwarding service denied\r\n',
    );
  }
});

test('answerQuery() answers a refused query with its message', () => {
  assert.equal(
    answerQuery(parseQuery('a\x1bb'), users, { now: NOW }).toString(),
    'finger: query holds a control or non-ASCII character.\r\n',
  );
});

test('formatNoSuchUser() strips control characters from the echoed name', () => {
  assert.equal(formatNoSuchUser('x\x1b[1my').toString(), 'finger: x[1my: no such user.\r\n');
});

test('formatForwardingDenied() and formatRefusal() end their line with CRLF', () => {
  assert.equal(formatForwardingDenied().toString(), 'Finger forwarding service denied\r\n');
  const refused = parseQuery('a'.repeat(600));
  assert.equal(refused.type, 'refused');
  if (refused.type === 'refused') {
    assert.equal(formatRefusal(refused).toString(), 'finger: query too long.\r\n');
  }
});

test('findUsers() prefers an exact login over name matches', () => {
  const named = { ...bob, login: 'rabbit', name: 'Alice Rabbit' };
  assert.deepEqual(findUsers([alice, named], 'alice'), [alice]);
  assert.deepEqual(findUsers([alice, named], 'Alice'), [alice, named]);
  assert.deepEqual(findUsers([alice], ''), []);
});

test('answerQuery() output is bounded and control-free for any query and any user text', () => {
  const text = fc.string({ unit: 'binary', maxLength: 200 });
  const user = fc.record({
    login: text,
    name: text,
    home: text,
    shell: text,
    plan: text,
    project: text,
    office: text,
  });
  fc.assert(
    fc.property(fc.array(user, { maxLength: 4 }), fc.uint8Array({ maxLength: 80 }), (list, q) => {
      const out = answerQuery(parseQuery(q), list, {
        now: NOW,
        maxReplyBytes: 1024,
        listAllUsers: true,
      });
      assert.ok(out.length <= 1024);
      for (const byte of out) {
        assert.ok(byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d, `byte ${byte}`);
        assert.notEqual(byte, 0x7f);
      }
      assert.equal(out.subarray(-2).toString(), '\r\n');
    }),
  );
});
