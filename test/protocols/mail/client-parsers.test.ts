import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  DotStuffer,
  type Pop3ResponseEvent,
  Pop3ResponseParser,
  parseEhloCapabilities,
  parsePop3Capabilities,
  type SmtpReplyEvent,
  SmtpReplyParser,
} from '../../../src/protocols/mail/index.js';
import { chunkings } from '../../../src/testing/index.js';

function smtpReplies(input: string, cuts: readonly number[]): SmtpReplyEvent[] {
  const parser = new SmtpReplyParser();
  const bytes = Buffer.from(input, 'latin1');
  const out: SmtpReplyEvent[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.receiveData(bytes.subarray(at, cut));
    at = cut;
    for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) out.push(ev);
  }
  return out;
}

test('SmtpReplyParser gathers multi-line replies the same at every split offset', () => {
  const input = '220 mx ESMTP\r\n250-mx\r\n250-SIZE 100\r\n250 HELP\r\n550 5.1.1 no such user\r\n';
  const expected: SmtpReplyEvent[] = [
    { type: 'reply', code: 220, enhanced: null, lines: ['mx ESMTP'] },
    { type: 'reply', code: 250, enhanced: null, lines: ['mx', 'SIZE 100', 'HELP'] },
    { type: 'reply', code: 550, enhanced: '5.1.1', lines: ['no such user'] },
  ];
  for (const { cuts } of chunkings(input)) assert.deepEqual(smtpReplies(input, cuts), expected);
});

test('SmtpReplyParser reports replies that are not SMTP', () => {
  assert.deepEqual(smtpReplies('hello\r\n', []), [{ type: 'error', reason: 'syntax' }]);
  assert.deepEqual(smtpReplies('250-a\r\n251 b\r\n', []), [{ type: 'error', reason: 'syntax' }]);
  assert.deepEqual(smtpReplies(`250 ${'x'.repeat(3000)}\r\n`, []), [
    { type: 'error', reason: 'too-long' },
  ]);
  assert.deepEqual(smtpReplies('250 5.0.0 odd\r\n', []), [
    { type: 'reply', code: 250, enhanced: null, lines: ['5.0.0 odd'] },
  ]);
  assert.deepEqual(smtpReplies('250\r\n', []), [
    { type: 'reply', code: 250, enhanced: null, lines: [''] },
  ]);
});

test('SmtpReplyParser never crashes on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      smtpReplies(Buffer.from(bytes).toString('latin1'), [bytes.length >> 1]);
    }),
  );
});

test('parseEhloCapabilities() reads SIZE, AUTH and the other keywords', () => {
  const caps = parseEhloCapabilities([
    'mx.example.test Hello',
    'SIZE 1000',
    'auth plain LOGIN',
    'STARTTLS',
    '!bad',
  ]);
  assert.equal(caps.domain, 'mx.example.test');
  assert.equal(caps.maxSize, 1000);
  assert.deepEqual(caps.authMechanisms, ['PLAIN', 'LOGIN']);
  assert.ok(caps.extensions.has('STARTTLS'));
  assert.equal(caps.extensions.size, 3);
  assert.equal(parseEhloCapabilities(['mx', 'SIZE']).maxSize, null);
  assert.throws(() => parseEhloCapabilities([]), SyntaxError);
});

function popReplies(
  input: string | Buffer,
  kinds: ReadonlyArray<'single' | 'multi'>,
  cuts: readonly number[],
): string[] {
  const parser = new Pop3ResponseParser();
  for (const kind of kinds) parser.expect(kind);
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const out: Pop3ResponseEvent[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.receiveData(bytes.subarray(at, cut));
    at = cut;
    for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) out.push(ev);
  }
  // Data chunks depend on the cuts; join them so results compare across splits.
  const events: string[] = [];
  for (const ev of out) {
    if (ev.type === 'data') {
      if (events.at(-1)?.startsWith('data '))
        events[events.length - 1] += ev.chunk.toString('latin1');
      else events.push(`data ${ev.chunk.toString('latin1')}`);
    } else events.push(JSON.stringify(ev));
  }
  return events;
}

test('Pop3ResponseParser reads pipelined single and multi-line responses at every split offset', () => {
  const input =
    '+OK 2 320\r\n+OK 2 messages:\r\n1 120\r\n2 200\r\n.\r\n-ERR [IN-USE] locked\r\n+OK\r\n..a\r\n.\r\n';
  const expected = [
    '{"type":"status","ok":true,"code":null,"text":"2 320"}',
    '{"type":"status","ok":true,"code":null,"text":"2 messages:"}',
    'data 1 120\r\n2 200\r\n',
    '{"type":"end"}',
    '{"type":"status","ok":false,"code":"IN-USE","text":"locked"}',
    '{"type":"status","ok":true,"code":null,"text":""}',
    'data .a\r\n',
    '{"type":"end"}',
  ];
  for (const { cuts } of chunkings(input)) {
    assert.deepEqual(popReplies(input, ['single', 'multi', 'multi', 'multi'], cuts), expected);
  }
});

test('Pop3ResponseParser reports continuations, unexpected and malformed responses', () => {
  assert.deepEqual(popReplies('+ \r\n+OK\r\n', ['single'], []), [
    '{"type":"continuation","text":""}',
    '{"type":"status","ok":true,"code":null,"text":""}',
  ]);
  assert.deepEqual(popReplies('+OK\r\n', [], []), ['{"type":"error","reason":"unexpected"}']);
  assert.deepEqual(popReplies('OK\r\n', ['single'], []), ['{"type":"error","reason":"syntax"}']);
});

test('Pop3ResponseParser reads back what DotStuffer writes, for any content', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.nat(300), (text, cut) => {
      const stuffer = new DotStuffer();
      const wire = Buffer.concat([
        Buffer.from('+OK\r\n'),
        stuffer.push(Buffer.from(text, 'latin1')),
        stuffer.end(),
      ]);
      const events = popReplies(wire, ['multi'], [Math.min(cut, wire.length)]);
      let expected = text.replace(/\r\n|\r|\n/g, '\r\n');
      if (expected !== '' && !expected.endsWith('\r\n')) expected += '\r\n';
      const data = events.find((e) => e.startsWith('data ')) ?? 'data ';
      assert.equal(data.slice(5), expected);
      assert.equal(events.at(-1), '{"type":"end"}');
    }),
  );
});

test('Pop3ResponseParser never crashes on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      popReplies(Buffer.from(bytes), ['multi', 'single', 'multi'], [bytes.length >> 1]);
    }),
  );
});

test('parsePop3Capabilities() reads the CAPA body', () => {
  const caps = parsePop3Capabilities('CAPA\r\nTOP\r\nUIDL\r\nSASL PLAIN login\r\nSTLS\r\n');
  assert.deepEqual(caps.saslMechanisms, ['PLAIN', 'LOGIN']);
  assert.ok(caps.stls && caps.top && caps.uidl && !caps.user && !caps.pipelining);
});

test('parseEhloCapabilities() and parsePop3Capabilities() never throw on random lines', () => {
  fc.assert(
    fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), (lines) => {
      parseEhloCapabilities(lines);
      parsePop3Capabilities(lines.join('\r\n'));
    }),
  );
});
