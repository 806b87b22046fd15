import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DotStuffer } from '../../../src/protocols/mail/index.js';
import { chunkings } from '../../../src/testing/index.js';
import { codes, runSmtp } from './smtp-harness.js';

const head = 'EHLO c\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n';

test('SmtpServerSession unstuffs dots the same at every split offset', () => {
  const input = `${head}...\r\n.x\r\n..\r\nplain\r\n.\r\nNOOP\r\n`;
  for (const { cuts } of chunkings(input)) {
    const run = runSmtp(input, cuts);
    assert.equal(run.content, '..\r\nx\r\n.\r\nplain\r\n', `cuts ${cuts}`);
    assert.deepEqual(codes(run.output).slice(-3), ['354', '250', '250']);
  }
});

test('SmtpServerSession takes an immediate dot as an empty message', () => {
  const run = runSmtp(`${head}.\r\n`);
  assert.deepEqual(run.events.slice(-2), ['data-start 1', 'data-end 0']);
});

const smuggling: Array<[string, string]> = [
  ['LF . LF', 'a\n.\nMAIL FROM:<evil@x.example>\r\n'],
  ['CR . CRLF', 'a\r.\r\nMAIL FROM:<evil@x.example>\r\n'],
  ['LF . CRLF', 'a\n.\r\nMAIL FROM:<evil@x.example>\r\n'],
  ['CRLF . LF', 'a\r\n.\nMAIL FROM:<evil@x.example>\r\n'],
  ['CRLF . CR LF inside', 'a\r\n.\r\r\nMAIL FROM:<evil@x.example>\r\n'],
];

for (const [what, body] of smuggling) {
  test(`SmtpServerSession does not end the data at ${what} (SMTP smuggling)`, () => {
    const input = `${head}${body}.\r\nQUIT\r\n`;
    for (const { cuts } of chunkings(input)) {
      const run = runSmtp(input, cuts);
      assert.ok(!run.events.includes('mail <evil@x.example>'), `cuts ${cuts}`);
      assert.deepEqual(run.events.slice(-2), [run.events.at(-2)!, 'quit']);
      assert.ok(run.events.some((e) => e.startsWith('data-end')));
      assert.ok(run.content.includes('MAIL FROM:<evil@x.example>\r\n'));
    }
  });
}

test('SmtpServerSession normalises bare CR and LF in content to CRLF by default', () => {
  const run = runSmtp(`${head}a\nb\rc\r\n.\r\n`);
  assert.equal(run.content, 'a\r\nb\r\nc\r\n');
  assert.ok(run.events.includes('data-end 9'));
});

test('SmtpServerSession refuses a message with bare LF with 550 5.6.0 when told to reject', () => {
  const run = runSmtp(`${head}a\nb\r\n.\r\nNOOP\r\n`, [], { bareNewlines: 'reject' });
  assert.ok(run.events.includes('data-abort bare-newline'));
  assert.ok(!run.events.some((e) => e.startsWith('data-end')));
  assert.ok(run.output.includes('550 5.6.0'));
  assert.ok(run.output.endsWith('250 2.0.0 Ok\r\n'));
});

test('SmtpServerSession answers a bare-LF command with 500 when told to reject', () => {
  const run = runSmtp('NOOP\n', [], { bareNewlines: 'reject' });
  assert.ok(run.output.endsWith('500 5.5.2 Error: bare <LF> received\r\n'));
});

test('SmtpServerSession refuses a message with a line over 1000 octets at the final dot', () => {
  const run = runSmtp(`${head}ok\r\n${'x'.repeat(999)}\r\n.\r\nNOOP\r\n`);
  assert.ok(run.events.includes('data-abort line-too-long'));
  assert.ok(run.output.includes('550 5.6.0 Error: message line too long'));
  assert.ok(run.output.endsWith('250 2.0.0 Ok\r\n'));
});

test('SmtpServerSession accepts a line of exactly 998 octets plus CRLF', () => {
  const run = runSmtp(`${head}${'x'.repeat(998)}\r\n.\r\n`);
  assert.ok(run.events.includes('data-end 1000'));
});

test('SmtpServerSession stops emitting data once the size limit trips and answers 552 at the dot', () => {
  const body = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\r\n');
  const input = `${head}${body}\r\n.\r\nQUIT\r\n`;
  for (const { cuts } of [...chunkings(input)].filter((_, i) => i % 7 === 0)) {
    const run = runSmtp(input, cuts, { maxMessageSize: 100, dataChunkSize: 16 });
    const abort = run.events.indexOf('data-abort size');
    assert.ok(abort > 0, `cuts ${cuts}`);
    assert.deepEqual(run.events.slice(abort), ['data-abort size', 'quit']);
    assert.ok(run.content.length <= 100);
    assert.ok(run.output.includes('552 5.3.4'));
    assert.ok(run.output.endsWith('221 2.0.0 Bye\r\n'));
  }
});

test('SmtpServerSession accepts a message of exactly the size limit', () => {
  const run = runSmtp(`${head}${'x'.repeat(98)}\r\n.\r\n`, [], { maxMessageSize: 100 });
  assert.ok(run.events.includes('data-end 100'));
});

test('SmtpServerSession streams a large message in bounded chunks', () => {
  const line = `${'y'.repeat(70)}\r\n`;
  const session = runSmtp(`${head}${line.repeat(2000)}.\r\n`, [], { dataChunkSize: 4096 });
  assert.equal(session.content, line.repeat(2000));
});

test('SmtpServerSession receives what DotStuffer sends, for any content', () => {
  const content = fc
    .array(fc.constantFrom('a', '.', '\r', '\n', '\r\n', '..', ' ', 'x.'), { maxLength: 60 })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(content, fc.integer({ min: 0, max: 200 }), (text, cut) => {
      const stuffer = new DotStuffer();
      const wire = Buffer.concat([stuffer.push(Buffer.from(text, 'latin1')), stuffer.end()]);
      const input = Buffer.concat([Buffer.from(head), wire, Buffer.from('QUIT\r\n')]);
      const run = runSmtp(input, [Math.min(cut, input.length)]);
      let expected = text.replace(/\r\n|\r|\n/g, '\r\n');
      if (expected !== '' && !expected.endsWith('\r\n')) expected += '\r\n';
      assert.equal(run.content, expected);
      assert.equal(run.events.at(-1), 'quit');
    }),
  );
});
