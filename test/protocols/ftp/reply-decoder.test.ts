import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeReply, type Reply, reply } from '../../../src/protocols/ftp/codec/reply.js';
import {
  FtpReplyDecoder,
  type FtpReplyDecoderOptions,
  type ReplyEvent,
} from '../../../src/protocols/ftp/codec/reply-decoder.js';
import { chunkings } from '../../../src/testing/index.js';

function decodeChunks(chunks: Buffer[], options?: FtpReplyDecoderOptions): ReplyEvent[] {
  const d = new FtpReplyDecoder(options);
  const out: ReplyEvent[] = [];
  for (const chunk of chunks) {
    d.receiveData(chunk);
    for (let ev = d.nextEvent(); ev !== null; ev = d.nextEvent()) out.push(ev);
  }
  return out;
}

function assertEveryChunking(
  input: string,
  expected: ReplyEvent[],
  options?: FtpReplyDecoderOptions,
) {
  for (const { label, chunks } of chunkings(Buffer.from(input, 'utf8'))) {
    assert.deepEqual(decodeChunks(chunks, options), expected, label);
  }
}

const r = (code: number, ...lines: string[]): ReplyEvent => ({
  type: 'reply',
  reply: { code, lines },
});

test('FtpReplyDecoder reads single and multi-line replies whole, byte by byte and split', () => {
  assertEveryChunking(
    '220 Welcome\r\n211-Features:\r\n EPRT\r\n UTF8\r\n211 End\r\n331 Password?\r\n',
    [r(220, 'Welcome'), r(211, 'Features:', ' EPRT', ' UTF8', 'End'), r(331, 'Password?')],
  );
});

test('FtpReplyDecoder removes a repeated code-hyphen prefix from middle lines (vsftpd banners)', () => {
  assertEveryChunking('230-Welcome\r\n230-to the\r\n230 server\r\n', [
    r(230, 'Welcome', 'to the', 'server'),
  ]);
});

test('FtpReplyDecoder does not end a multi-line reply at a line with another code', () => {
  assertEveryChunking('214-Help\r\n200 not the end\r\n214-nor this\r\n214 end\r\n', [
    r(214, 'Help', '200 not the end', 'nor this', 'end'),
  ]);
});

test('FtpReplyDecoder accepts a closing line with the bare code', () => {
  assertEveryChunking('211-a\r\n211\r\n200\r\n', [r(211, 'a', ''), r(200, '')]);
});

test('FtpReplyDecoder reads bare LF line ends and UTF-8 text', () => {
  assertEveryChunking('257 "/日本" created\n', [r(257, '"/日本" created')]);
});

test('FtpReplyDecoder turns CR NUL back into CR', () => {
  assertEveryChunking('257 "/a\r\0b"\r\n', [r(257, '"/a\rb"')]);
});

test('FtpReplyDecoder reads back whatever encodeReply() wrote', () => {
  const replies: Reply[] = [
    reply(200, 'ok'),
    reply(211, 'Features:', ' MDTM', 'End'),
    reply(213, 'status', 'with', 'lines'),
  ];
  const wire = Buffer.concat(replies.map(encodeReply)).toString();
  assertEveryChunking(
    wire,
    replies.map((x) => ({ type: 'reply', reply: x })),
  );
});

test('FtpReplyDecoder reports lines that are not replies as malformed', () => {
  for (const line of ['hello', '20 short', '600 too big', '200x', '099 low']) {
    const [ev] = decodeChunks([Buffer.from(`${line}\r\n`)]);
    assert.equal(ev?.type === 'error' && ev.reason, 'malformed', line);
  }
});

test('FtpReplyDecoder reports an over-long line and reads the next reply', () => {
  assertEveryChunking(
    `200 ${'x'.repeat(50)}\r\n200 ok\r\n`,
    [
      {
        type: 'error',
        reason: 'line-too-long',
        message: 'reply line of 54 bytes is over the limit',
      },
      r(200, 'ok'),
    ],
    { maxLineLength: 20 },
  );
});

test('FtpReplyDecoder reports a reply over maxReplyBytes once and reads the next reply', () => {
  const big = `212-a\r\n${'line\r\n'.repeat(50)}212 end\r\n200 next\r\n`;
  const events = decodeChunks([Buffer.from(big)], { maxReplyBytes: 100 });
  assert.equal(events.length, 2);
  assert.equal(events[0]?.type === 'error' && events[0].reason, 'reply-too-large');
  assert.deepEqual(events[1], r(200, 'next'));
});

test('FtpReplyDecoder refuses a maxReplyBytes that is not a positive integer', () => {
  assert.throws(() => new FtpReplyDecoder({ maxReplyBytes: 0 }), RangeError);
  assert.throws(() => new FtpReplyDecoder({ maxLineLength: -1 }), RangeError);
});

test('FtpReplyDecoder never throws on random bytes and gives the same events at any split', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, at) => {
      const input = Buffer.from(bytes);
      const cut = Math.min(at, input.length);
      const opts = { maxLineLength: 40, maxReplyBytes: 80 };
      assert.deepEqual(
        decodeChunks([input.subarray(0, cut), input.subarray(cut)], opts),
        decodeChunks([input], opts),
      );
    }),
  );
});
