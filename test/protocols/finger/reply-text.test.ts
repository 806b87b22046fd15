import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ReplyText } from '../../../src/protocols/finger/codec/reply-text.js';

test('ReplyText ends every line with CRLF whatever line breaks the text had', () => {
  const text = new ReplyText();
  text.line('Plan:');
  text.line('one\ntwo\rthree\r\n');
  text.line('');
  assert.equal(text.toBuffer().toString(), 'Plan:\r\none\r\ntwo\r\nthree\r\n\r\n');
});

test('ReplyText strips control characters from every line', () => {
  const text = new ReplyText();
  text.line('\x1b]0;owned\x07hello');
  assert.equal(text.toBuffer().toString(), ']0;ownedhello\r\n');
});

test('ReplyText stops at the size bound and says the output was truncated', () => {
  const text = new ReplyText({ maxReplyBytes: 64 });
  for (let i = 0; i < 20; i++) text.line(`line ${i}`);
  const out = text.toBuffer();
  assert.ok(out.length <= 64);
  assert.equal(text.truncated, true);
  // The line that overflowed keeps what fits, so the reply uses the whole bound.
  assert.equal(
    out.toString(),
    'line 0\r\nline 1\r\nline 2\r\nline 3\r\nline 4\r\nli\r\n[output truncated]\r\n',
  );
});

test('ReplyText keeps the start of a single line that is larger than the bound', () => {
  const text = new ReplyText({ maxReplyBytes: 64 });
  text.line('x'.repeat(10_000));
  const out = text.toBuffer().toString();
  assert.equal(out, `${'x'.repeat(42)}\r\n[output truncated]\r\n`);
});

test('ReplyText cuts a line on a character boundary, never inside a UTF-8 sequence', () => {
  // 65 - 20 (notice) - 2 (CRLF) leaves 43 bytes: 21 two-byte characters and half of one.
  const text = new ReplyText({ maxReplyBytes: 65 });
  text.line('é'.repeat(100));
  const out = text.toBuffer();
  assert.equal(out.toString(), `${'é'.repeat(21)}\r\n[output truncated]\r\n`);
  assert.equal(Buffer.from(out.toString(), 'utf8').equals(out), true);
});

test('ReplyText sends only ASCII when asked', () => {
  const text = new ReplyText({ asciiOnly: true });
  text.line('José');
  assert.equal(text.toBuffer().toString('latin1'), 'Jos?\r\n');
});

test('ReplyText rejects a bound below 64 bytes', () => {
  assert.throws(() => new ReplyText({ maxReplyBytes: 63 }), RangeError);
  assert.throws(() => new ReplyText({ maxReplyBytes: 100.5 }), RangeError);
});

test('ReplyText output is bounded, CRLF-terminated and free of controls for any text', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 20 }),
      fc.integer({ min: 64, max: 2000 }),
      (lines, max) => {
        const text = new ReplyText({ maxReplyBytes: max });
        for (const line of lines) text.line(line);
        const out = text.toBuffer();
        assert.ok(out.length <= max);
        for (let i = 0; i < out.length; i++) {
          const byte = out[i] ?? 0;
          assert.ok(byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
          assert.notEqual(byte, 0x7f);
          // CR and LF appear only as the CRLF pair that ends a line.
          if (byte === 0x0d) assert.equal(out[i + 1], 0x0a);
          if (byte === 0x0a) assert.equal(out[i - 1], 0x0d);
        }
        if (out.length > 0) assert.equal(out.subarray(-2).toString(), '\r\n');
      },
    ),
  );
});
