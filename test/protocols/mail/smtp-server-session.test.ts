import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SmtpServerSession } from '../../../src/protocols/mail/index.js';
import { chunkings } from '../../../src/testing/index.js';
import { codes, runSmtp } from './smtp-harness.js';

const transaction =
  'EHLO client.example\r\nMAIL FROM:<alice@client.example> SIZE=40 BODY=8BITMIME\r\n' +
  'RCPT TO:<demo@example.test>\r\nRCPT TO:<nobody@example.test>\r\nDATA\r\n' +
  'Subject: hi\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n';

test('SmtpServerSession runs a full transaction the same for whole, byte-by-byte and split input', () => {
  const expectedEvents = [
    'helo client.example',
    'mail <alice@client.example>',
    'rcpt <demo@example.test>',
    'rcpt <nobody@example.test>',
    'data-start 1',
    'data',
    'data-end 29',
    'quit',
  ];
  for (const { cuts } of chunkings(transaction)) {
    const run = runSmtp(transaction, cuts);
    assert.deepEqual(run.events, expectedEvents, `cuts ${cuts}`);
    assert.equal(run.content, 'Subject: hi\r\n\r\n.leading dot\r\n');
    assert.deepEqual(codes(run.output), ['220', '250', '250', '250', '550', '354', '250', '221']);
    assert.ok(run.session.closed);
  }
});

test('SmtpServerSession lists its extensions in the EHLO reply', () => {
  const run = runSmtp('EHLO c\r\n', [], { startTls: true, auth: true, authRequiresTls: false });
  assert.equal(
    run.output,
    '220 mx.example.test ESMTP polyport\r\n250-mx.example.test\r\n250-PIPELINING\r\n' +
      '250-SIZE 33554432\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n' +
      '250-8BITMIME\r\n250 HELP\r\n',
  );
});

test('SmtpServerSession hides STARTTLS and TLS-only AUTH where they do not apply', () => {
  const plain = runSmtp('EHLO c\r\n', [], { startTls: true, auth: true });
  assert.ok(plain.output.includes('STARTTLS') && !plain.output.includes('AUTH'));
  const secure = runSmtp('EHLO c\r\n', [], { tls: true, startTls: true, auth: true });
  assert.ok(!secure.output.includes('STARTTLS') && secure.output.includes('AUTH PLAIN'));
});

test('SmtpServerSession answers a pipelined batch in order and waits on each decision', () => {
  const session = new SmtpServerSession({ hostname: 'mx' });
  session.receiveData(
    Buffer.from(
      'HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nNOOP\r\n',
    ),
  );
  assert.equal(session.nextEvent()?.type, 'helo');
  assert.equal(session.nextEvent()?.type, 'mail');
  assert.equal(session.nextEvent()?.type, 'rcpt');
  assert.equal(session.nextEvent(), null);
  assert.equal(session.pendingDecision, 'recipient');
  session.refuseRecipient({ code: 450, enhanced: '4.2.0', text: 'try later' });
  assert.equal(session.nextEvent()?.type, 'rcpt');
  session.acceptRecipient();
  assert.equal(session.nextEvent(), null);
  assert.equal(
    session.takeOutput().toString(),
    '220 mx ESMTP polyport\r\n250 mx\r\n250 2.1.0 Ok\r\n450 4.2.0 try later\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n',
  );
});

test('SmtpServerSession throws when the glue decides something not pending', () => {
  const session = new SmtpServerSession({ hostname: 'mx' });
  assert.throws(() => session.acceptRecipient(), /no recipient decision/);
  assert.throws(() => session.acceptMessage(), /no message decision/);
  assert.throws(() => session.tlsStarted(), /STARTTLS/);
});

const errorCases: Array<[string, string, string]> = [
  ['an unknown command', 'FOO\r\n', '500 5.5.2'],
  ['an empty line', '\r\n', '500 5.5.2'],
  ['a command with a control character', 'NOOP\x01\r\n', '500 5.5.2'],
  ['EXPN', 'EXPN list\r\n', '502 5.5.1'],
  ['MAIL before HELO', 'MAIL FROM:<a@b.example>\r\n', '503 5.5.1'],
  ['RCPT before MAIL', 'EHLO c\r\nRCPT TO:<a@b.example>\r\n', '503 5.5.1'],
  ['DATA before MAIL', 'EHLO c\r\nDATA\r\n', '503 5.5.1'],
  [
    'DATA without an accepted recipient',
    'EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@x.example>\r\nDATA\r\n',
    '554 5.5.1',
  ],
  ['a nested MAIL', 'EHLO c\r\nMAIL FROM:<>\r\nMAIL FROM:<>\r\n', '503 5.5.1'],
  ['EHLO without a name', 'EHLO\r\n', '501 5.5.4'],
  ['MAIL without FROM:', 'EHLO c\r\nMAIL <a@b.example>\r\n', '501 5.5.4'],
  ['a sender without brackets', 'EHLO c\r\nMAIL FROM:a@b.example\r\n', '501 5.1.7'],
  ['a sender without a domain', 'EHLO c\r\nMAIL FROM:<a>\r\n', '501 5.1.7'],
  [
    'a recipient with a bad domain',
    'EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@-x.example>\r\n',
    '501 5.1.3',
  ],
  ['a null recipient', 'EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<>\r\n', '501 5.1.3'],
  [
    'an over-long path',
    `EHLO c\r\nMAIL FROM:<${'a'.repeat(60)}@${'b'.repeat(200)}.example>\r\n`,
    '501 5.1.7',
  ],
  ['an unknown MAIL parameter', 'EHLO c\r\nMAIL FROM:<> FOO=1\r\n', '555 5.5.4'],
  ['a MAIL parameter after HELO', 'HELO c\r\nMAIL FROM:<> SIZE=1\r\n', '555 5.5.4'],
  [
    'a RCPT parameter',
    'EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@b.example> NOTIFY=NEVER\r\n',
    '555 5.5.4',
  ],
  ['a bad SIZE', 'EHLO c\r\nMAIL FROM:<> SIZE=x\r\n', '501 5.5.4'],
  ['a SIZE over the limit', 'EHLO c\r\nMAIL FROM:<> SIZE=1001\r\n', '552 5.3.4'],
  ['a bad BODY', 'EHLO c\r\nMAIL FROM:<> BODY=BINARYMIME\r\n', '501 5.5.4'],
  ['a duplicate parameter', 'EHLO c\r\nMAIL FROM:<> SIZE=1 SIZE=2\r\n', '501 5.5.4'],
  ['DATA with an argument', 'EHLO c\r\nDATA x\r\n', '501 5.5.4'],
  ['RSET with an argument', 'RSET x\r\n', '501 5.5.4'],
  ['VRFY without an argument', 'VRFY\r\n', '501 5.5.4'],
  ['STARTTLS when not offered', 'EHLO c\r\nSTARTTLS\r\n', '502 5.5.1'],
  ['AUTH when not offered', 'EHLO c\r\nAUTH PLAIN\r\n', '503 5.5.1'],
  ['a command line over the limit', `NOOP ${'x'.repeat(3000)}\r\n`, '500 5.5.2'],
];

for (const [what, input, reply] of errorCases) {
  test(`SmtpServerSession answers ${what} with ${reply}`, () => {
    const run = runSmtp(input, [], { maxMessageSize: 1000 });
    const last = run.output.trimEnd().split('\r\n').pop() ?? '';
    assert.ok(last.startsWith(reply), `got ${JSON.stringify(last)}`);
    assert.ok(!run.session.closed);
  });
}

test('SmtpServerSession answers VRFY with 252, HELP with 214, RSET and NOOP with 250', () => {
  const run = runSmtp('VRFY demo\r\nHELP\r\nRSET\r\nNOOP x\r\n');
  assert.deepEqual(codes(run.output), ['220', '252', '214', '250', '250']);
});

test('SmtpServerSession accepts the null sender, postmaster, quoted local parts and source routes', () => {
  const run = runSmtp(
    'EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<Postmaster>\r\nRCPT TO:<"odd >name"@example.test>\r\n' +
      'RCPT TO:<@relay.example,@r2.example:joe@example.test>\r\nRCPT TO: <spaced@example.test>\r\n',
  );
  assert.deepEqual(run.events.slice(1), [
    'mail <>',
    'rcpt <Postmaster>',
    'rcpt <"odd >name"@example.test>',
    'rcpt <joe@example.test>',
    'rcpt <spaced@example.test>',
  ]);
});

test('SmtpServerSession refuses recipients beyond maxRecipients with 452 4.5.3', () => {
  const run = runSmtp(
    'EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\nRCPT TO:<c@x.example>\r\n',
    [],
    { maxRecipients: 2 },
  );
  assert.deepEqual(codes(run.output).slice(-3), ['250', '250', '452']);
  assert.ok(run.output.includes('452 4.5.3'));
});

test('SmtpServerSession hangs up with 421 after maxErrors errors', () => {
  const run = runSmtp('FOO\r\nFOO\r\nFOO\r\nNOOP\r\n', [], { maxErrors: 3 });
  assert.deepEqual(codes(run.output), ['220', '500', '500', '500', '421']);
  assert.deepEqual(run.events, ['close too-many-errors']);
  assert.ok(run.session.closed);
});

test('SmtpServerSession ignores input after QUIT', () => {
  const run = runSmtp('QUIT\r\nNOOP\r\n');
  assert.deepEqual(codes(run.output), ['220', '221']);
});

test('SmtpServerSession requires AUTH before MAIL when requireAuth is set', () => {
  const run = runSmtp('EHLO c\r\nMAIL FROM:<>\r\n', [], { requireAuth: true });
  assert.ok(run.output.endsWith('530 5.7.0 Authentication required\r\n'));
});

test('SmtpServerSession never crashes on random bytes and always answers in SMTP', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: 300 }),
      (bytes, cut) => {
        const run = runSmtp(Buffer.from(bytes), [Math.min(cut, bytes.length)], { maxErrors: 1000 });
        for (const line of run.output.split('\r\n').filter((l) => l !== '')) {
          assert.match(line, /^[2-5]\d\d[ -]/);
        }
      },
    ),
  );
});

test('SmtpServerSession never crashes on random command sequences', () => {
  const command = fc.constantFrom(
    'EHLO c',
    'HELO c',
    'MAIL FROM:<a@b.example>',
    'RCPT TO:<d@e.example>',
    'DATA',
    '.',
    'x',
    'RSET',
    'NOOP',
    'AUTH PLAIN',
    'AUTH LOGIN',
    'STARTTLS',
    '*',
    '..',
    'VRFY x',
    '',
  );
  fc.assert(
    fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
      const input = commands.map((c) => `${c}\r\n`).join('');
      runSmtp(input, [], { maxErrors: 1000, auth: true, authRequiresTls: false, startTls: true });
    }),
  );
});

test('SmtpServerSession with maxPendingOutput answers no further command until its replies are taken', () => {
  const input = 'EHLO client.example\r\nNOOP\r\nNOOP\r\nNOOP\r\nRSET\r\n';
  const free = new SmtpServerSession({ hostname: 'mx.example.test' });
  free.receiveData(Buffer.from(input));
  assert.equal(free.nextEvent()?.type, 'helo');
  assert.equal(free.nextEvent(), null);
  const all = free.takeOutput().toString();

  const held = new SmtpServerSession({ hostname: 'mx.example.test', maxPendingOutput: 20 });
  held.receiveData(Buffer.from(input));
  const rounds: string[] = [];
  for (let round = 0; round < 20; round++) {
    const ev = held.nextEvent();
    const out = held.takeOutput().toString();
    if (ev === null && out === '') break;
    rounds.push(out);
  }
  assert.equal(rounds.join(''), all, 'the same replies, in order');
  for (const out of rounds) {
    // Over 20 bytes only by the last reply added: at most one reply past the bound per round.
    const replies = out.split('\r\n').filter((l) => /^\d{3} /.test(l));
    assert.ok(replies.length <= 2, JSON.stringify(out));
  }
  assert.ok(rounds.length >= 3, 'the replies came in several rounds');
});
