import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAccessLogLine } from '../../../src/protocols/http/server/access-log.js';

const entry = {
  remoteAddress: '127.0.0.1',
  date: new Date(Date.UTC(2000, 9, 10, 13, 55, 36)),
  requestLine: 'GET /apache_pb.gif HTTP/1.0',
  status: 200,
  bytes: 2326,
};

test('formatAccessLogLine() writes the Common Log Format', () => {
  assert.equal(
    formatAccessLogLine({ ...entry, user: 'frank' }),
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 +0000] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  );
});

test('formatAccessLogLine() writes the Combined Log Format with referer and user agent', () => {
  assert.equal(
    formatAccessLogLine(
      { ...entry, bytes: null, referer: 'http://x/', userAgent: 'Mozilla/4.08' },
      'combined',
    ),
    '127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /apache_pb.gif HTTP/1.0" 200 - "http://x/" "Mozilla/4.08"',
  );
  assert.ok(formatAccessLogLine(entry, 'combined').endsWith(' "-" "-"'));
});

test('formatAccessLogLine() escapes quotes, backslashes, control and non-ASCII characters', () => {
  const line = formatAccessLogLine(
    { ...entry, requestLine: 'GET /"a\\b\n HTTP/1.1', userAgent: 'caf\u00e9 \u{1f600}' },
    'combined',
  );
  assert.ok(line.includes('"GET /\\"a\\\\b\\x0a HTTP/1.1"'));
  assert.ok(line.endsWith('"caf\\xc3\\xa9 \\xf0\\x9f\\x98\\x80"'));
  assert.ok(!line.includes('\n'));
});

test("formatAccessLogLine() gives each line the second it was received in, though a second's text is made once", () => {
  const at = (ms: number) => formatAccessLogLine({ ...entry, date: new Date(ms) }).split(' [')[1];
  const second = Date.UTC(2000, 9, 10, 13, 55, 36);
  assert.equal(
    at(second + 999),
    '10/Oct/2000:13:55:36 +0000] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  );
  assert.equal(at(second + 1000)?.slice(0, 26), '10/Oct/2000:13:55:37 +0000');
  assert.equal(at(Number.NaN)?.slice(0, 2), '-]');
  assert.equal(at(second)?.slice(0, 26), '10/Oct/2000:13:55:36 +0000');
  assert.equal(at(-1)?.slice(0, 26), '31/Dec/1969:23:59:59 +0000');
});

test('formatAccessLogLine() escapes DEL, and leaves a field with nothing to escape as it is', () => {
  const line = formatAccessLogLine({ ...entry, requestLine: 'GET /\x7f HTTP/1.1' }, 'combined');
  assert.ok(line.includes('"GET /\\x7f HTTP/1.1"'));
  const plain = "GET /a-b_c.d?e=f&g=h#~!$'()*+,;:@[]{}|^` HTTP/1.1";
  assert.ok(formatAccessLogLine({ ...entry, requestLine: plain }).includes(`"${plain}"`));
});
