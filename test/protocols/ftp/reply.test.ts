import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeReply, fail, ok, reply } from '../../../src/protocols/ftp/codec/reply.js';

test('encodeReply() writes a one-line reply as code, space, text, CRLF', () => {
  assert.equal(encodeReply(reply(200, 'Command okay.')).toString(), '200 Command okay.\r\n');
});

test('encodeReply() writes an empty reply as the code and a space', () => {
  assert.equal(encodeReply(reply(200)).toString(), '200 \r\n');
  assert.equal(encodeReply({ code: 200, lines: [] }).toString(), '200 \r\n');
});

test('encodeReply() writes a multi-line reply with code-hyphen first and code-space last', () => {
  assert.equal(
    encodeReply(reply(211, 'Features:', ' UTF8', ' SIZE', 'End')).toString(),
    '211-Features:\r\n UTF8\r\n SIZE\r\n211 End\r\n',
  );
  assert.equal(encodeReply(reply(230, 'Hi', 'Bye')).toString(), '230-Hi\r\n230 Bye\r\n');
});

test('encodeReply() indents a middle line that starts with a digit (RFC 959 4.2)', () => {
  assert.equal(
    encodeReply(reply(214, 'Help', '211 looks like an end', '12 files', 'ok')).toString(),
    '214-Help\r\n 211 looks like an end\r\n 12 files\r\n214 ok\r\n',
  );
});

test('encodeReply() keeps CR and LF in the text from ending the line', () => {
  assert.equal(
    encodeReply(reply(257, '"/a\r\nb" created')).toString('latin1'),
    '257 "/a\r\0\0b" created\r\n',
  );
});

test('encodeReply() writes UTF-8 (RFC 2640)', () => {
  assert.deepEqual(encodeReply(reply(257, '"/日本"')), Buffer.from('257 "/日本"\r\n', 'utf8'));
});

test('reply() and encodeReply() refuse codes outside 100 to 599', () => {
  assert.throws(() => reply(99, 'x'), RangeError);
  assert.throws(() => reply(600, 'x'), RangeError);
  assert.throws(() => reply(200.5, 'x'), RangeError);
  assert.throws(() => encodeReply({ code: 42, lines: ['x'] }), RangeError);
});

test('ok() and fail() build the two shapes of ArgResult', () => {
  assert.deepEqual(ok(3), { ok: true, value: 3 });
  assert.deepEqual(fail(501, 'bad'), { ok: false, reply: { code: 501, lines: ['bad'] } });
});
