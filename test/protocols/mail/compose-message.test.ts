import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeMessage } from '../../../src/protocols/mail/codec/message/compose-message.js';

const base = {
  from: 'me@client.test',
  to: ['demo@example.test'],
  subject: 'hi',
  date: 'Mon, 02 Nov 2026 09:00:00 +0000',
  messageId: 'id@client.test',
};

test('composeMessage() without attachments is one text/plain part with CRLF line endings', () => {
  const text = composeMessage({ ...base, body: Buffer.from('a\nb\n') }).toString();
  assert.equal(
    text,
    'From: me@client.test\r\nTo: demo@example.test\r\nSubject: hi\r\n' +
      'Date: Mon, 02 Nov 2026 09:00:00 +0000\r\nMessage-ID: <id@client.test>\r\n' +
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      'Content-Transfer-Encoding: 8bit\r\n\r\na\r\nb\r\n',
  );
});

test('composeMessage() names a non-ASCII attachment with RFC 2231 and wraps base64 at 76', () => {
  const data = Buffer.alloc(200, 0xab);
  const text = composeMessage({
    ...base,
    body: Buffer.from('see attached'),
    attachments: [{ name: 'Bericht März.pdf', type: 'application/pdf', data }],
    boundary: 'b1',
  }).toString();
  assert.match(text, /Content-Type: multipart\/mixed; boundary="b1"\r\n/);
  assert.match(text, /filename\*=UTF-8''Bericht%20M%C3%A4rz\.pdf\r\n/);
  assert.match(text, /\r\nsee attached\r\n--b1\r\n/);
  const b64 = text.slice(text.lastIndexOf('\r\n\r\n') + 4, text.indexOf('\r\n--b1--'));
  for (const line of b64.split('\r\n')) assert.ok(line.length <= 76);
  assert.deepEqual(Buffer.from(b64.replace(/\r\n/g, ''), 'base64'), data);
  assert.ok(text.endsWith('--b1--\r\n'));
});

test('composeMessage() refuses a boundary that occurs in the body', () => {
  assert.throws(
    () =>
      composeMessage({
        ...base,
        body: Buffer.from('--b1 oops'),
        attachments: [{ name: 'a', type: 'text/plain', data: Buffer.from('x') }],
        boundary: 'b1',
      }),
    RangeError,
  );
});
