import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  buildReceivedHeader,
  buildReturnPathHeader,
  canonicalMailbox,
  decodeAuthPlain,
  encodeAuthPlain,
  formatRfc5322Date,
  formatSmtpReply,
  parseMailArgument,
} from '../../../src/protocols/mail/index.js';

test('encodeAuthPlain() and decodeAuthPlain() round-trip credentials', () => {
  const token = encodeAuthPlain({ authorizationId: 'admin', username: 'démo', password: 'p w' });
  assert.deepEqual(decodeAuthPlain(token), {
    authorizationId: 'admin',
    username: 'démo',
    password: 'p w',
  });
  assert.equal(encodeAuthPlain({ username: 'demo', password: 'demo' }), 'AGRlbW8AZGVtbw==');
});

test('decodeAuthPlain() throws SyntaxError on malformed responses', () => {
  for (const bad of [
    '',
    '=',
    'AGRlbW8',
    '!!!!',
    Buffer.from('a\0b').toString('base64'),
    Buffer.from('\0\0pw').toString('base64'),
    Buffer.from([0, 0x61, 0, 0xff]).toString('base64'),
  ]) {
    assert.throws(() => decodeAuthPlain(bad), SyntaxError, bad);
  }
});

test('encodeAuthPlain() refuses NUL and empty fields', () => {
  assert.throws(() => encodeAuthPlain({ username: 'a\0', password: 'b' }), RangeError);
  assert.throws(() => encodeAuthPlain({ username: 'a', password: '' }), RangeError);
});

test('decodeAuthPlain() never throws anything but SyntaxError on random text', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      try {
        decodeAuthPlain(text);
      } catch (err) {
        assert.ok(err instanceof SyntaxError);
      }
    }),
  );
});

test('formatSmtpReply() writes multi-line replies and strips injected line breaks', () => {
  assert.equal(formatSmtpReply({ code: 250, text: ['a', 'b'] }).toString(), '250-a\r\n250 b\r\n');
  assert.equal(
    formatSmtpReply({ code: 550, enhanced: '5.1.1', text: 'x\r\n250 ok' }).toString(),
    '550 5.1.1 x  250 ok\r\n',
  );
  assert.equal(formatSmtpReply({ code: 334, text: '' }).toString(), '334 \r\n');
  assert.throws(() => formatSmtpReply({ code: 250, enhanced: '5.0.0', text: '' }), RangeError);
  assert.throws(() => formatSmtpReply({ code: 600, text: '' }), RangeError);
});

test('buildReceivedHeader() writes a folded trace header with an RFC 5322 date', () => {
  const header = buildReceivedHeader({
    heloName: 'client.example',
    remoteAddress: '2001:db8::1',
    byHost: 'mx.example.test',
    protocol: 'ESMTPS',
    id: 'Q1',
    recipient: 'demo@example.test',
    date: new Date(Date.UTC(2026, 10, 24, 15, 4, 5)),
  });
  assert.equal(
    header,
    'Received: from client.example (unknown [IPv6:2001:db8::1])\r\n' +
      '\tby mx.example.test (polyport) with ESMTPS id Q1\r\n' +
      '\tfor <demo@example.test>; Tue, 24 Nov 2026 15:04:05 +0000\r\n',
  );
});

test('buildReceivedHeader() cannot be broken by a hostile HELO name', () => {
  const header = buildReceivedHeader({
    heloName: 'x\r\nBcc: evil@x.example (',
    remoteAddress: '192.0.2.1',
    byHost: 'mx',
    protocol: 'SMTP',
    date: new Date(0),
  });
  assert.equal(header.split('\r\n').length, 3);
  assert.ok(header.endsWith('Thu, 01 Jan 1970 00:00:00 +0000\r\n'));
  assert.throws(() => formatRfc5322Date(new Date(Number.NaN)), RangeError);
});

test('buildReturnPathHeader() writes the reverse-path, <> for a null sender, on one line', () => {
  const path = (address: string) => ({ address, localPart: '', domain: '' });
  assert.equal(
    buildReturnPathHeader(path('a@client.example')),
    'Return-Path: <a@client.example>\r\n',
  );
  assert.equal(
    buildReturnPathHeader(path('"a b"@client.example')),
    'Return-Path: <"a b"@client.example>\r\n',
  );
  assert.equal(buildReturnPathHeader(path('')), 'Return-Path: <>\r\n');
  assert.equal(buildReturnPathHeader(path('a\r\nBcc: x@y>')), 'Return-Path: <aBcc: x@y>\r\n');
});

test('parseMailArgument() parses paths and parameters and reports what is wrong', () => {
  const from = { kind: 'from', maxPathLength: 256 } as const;
  const ok = parseMailArgument('from:<a.b+c@x.example> SIZE=10 BODY=8BITMIME', from);
  assert.ok(ok.ok);
  assert.equal(ok.path.domain, 'x.example');
  assert.deepEqual(
    [...ok.params],
    [
      ['SIZE', '10'],
      ['BODY', '8BITMIME'],
    ],
  );
  const literal = parseMailArgument('FROM:<a@[192.0.2.1]>', from);
  assert.ok(literal.ok && literal.path.domain === '[192.0.2.1]');
  const cases: Array<[string, string]> = [
    ['TO:<a@b.example>', 'syntax'],
    ['FROM:<a..b@x.example>', 'address'],
    ['FROM:<a@b.example', 'address'],
    ['FROM:<é@b.example>', 'address'],
    ['FROM:<a@b.example>SIZE=1', 'params'],
    ['FROM:<a@b.example> =1', 'params'],
    [`FROM:<${'a'.repeat(65)}@b.example>`, 'address'],
  ];
  for (const [arg, error] of cases) {
    const result = parseMailArgument(arg, from);
    assert.ok(!result.ok && result.error === error, arg);
  }
});

test('canonicalMailbox() unquotes a local part that needs no quotes and re-quotes one that does', () => {
  assert.equal(canonicalMailbox('"demo"@example.test'), 'demo@example.test');
  assert.equal(canonicalMailbox('"d\\emo.x"@Example.Test'), 'demo.x@Example.Test');
  assert.equal(canonicalMailbox('"john\\ smith"@example.test'), '"john smith"@example.test');
  assert.equal(canonicalMailbox('"a\\"b"@example.test'), '"a\\"b"@example.test');
  assert.equal(canonicalMailbox('"a@b"@example.test'), '"a@b"@example.test');
  for (const same of ['demo@example.test', 'postmaster', '', '"demo@example.test', '"".x@y']) {
    assert.equal(canonicalMailbox(same), same);
  }
  fc.assert(
    fc.property(fc.string(), (text) => {
      const once = canonicalMailbox(text);
      assert.equal(canonicalMailbox(once), once);
    }),
  );
});

test('parseMailArgument() never throws on random text', () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.constantFrom('from', 'to') as fc.Arbitrary<'from' | 'to'>,
      (text, kind) => {
        parseMailArgument(`${kind.toUpperCase()}:${text}`, { kind, maxPathLength: 256 });
      },
    ),
  );
});
