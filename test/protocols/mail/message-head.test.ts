import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerField } from '../../../src/protocols/mail/codec/message/header-field.js';
import { MessageHead } from '../../../src/protocols/mail/codec/message/message-head.js';
import { chunkings } from '../../../src/testing/index.js';

const MESSAGE = Buffer.from(
  'From: a@client.test\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?B?IGF1cyBCZXJu?=\r\n' +
    '\r\nSubject: not this one, it is the body\r\n',
);

test('MessageHead finds the folded, encoded Subject whole, byte by byte and split anywhere', () => {
  for (const { label, chunks } of chunkings(MESSAGE)) {
    const head = new MessageHead();
    for (const chunk of chunks) head.push(chunk);
    assert.equal(head.complete, true, label);
    assert.equal(head.field('Subject'), 'Grüße aus Bern', label);
    assert.doesNotMatch(head.text, /body/, label);
  }
});

test('MessageHead stops at its bound and still reads the fields within it', () => {
  const head = new MessageHead(64);
  head.push(Buffer.from(`Subject: early\r\nX-Long: ${'x'.repeat(200)}\r\n`));
  assert.equal(head.complete, true);
  assert.equal(head.text.length, 64);
  assert.equal(head.field('subject'), 'early');
});

test('MessageHead of a message without fields (it starts with the blank line) is empty', () => {
  const head = new MessageHead();
  head.push(Buffer.from('\r\nSubject: body text\r\n'));
  assert.equal(head.complete, true);
  assert.equal(head.field('Subject'), '');
});

test('headerField() ends a field at LF-only line ends too and is "" for an absent field', () => {
  assert.equal(headerField('To: x@y.test\nSubject: plain\n\n', 'SUBJECT'), 'plain');
  assert.equal(headerField('To: x@y.test\r\n\r\n', 'Subject'), '');
});
