import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAuthPlain, SmtpServerSession } from '../../../src/protocols/mail/index.js';
import { codes, runSmtp } from './smtp-harness.js';

const auth = { auth: true, authRequiresTls: false } as const;
const good = encodeAuthPlain({ username: 'demo', password: 'secret' });
const bad = encodeAuthPlain({ username: 'demo', password: 'wrong' });

test('SmtpServerSession takes AUTH PLAIN with an initial response and reports ESMTPA', () => {
  const run = runSmtp(`EHLO c\r\nAUTH PLAIN ${good}\r\n`, [], auth);
  assert.deepEqual(run.events, ['helo c', 'auth demo']);
  assert.ok(run.output.endsWith('235 2.7.0 Authentication successful\r\n'));
  assert.equal(run.session.protocolName, 'ESMTPA');
});

test('SmtpServerSession takes AUTH PLAIN after a 334 continuation', () => {
  const run = runSmtp(`EHLO c\r\nAUTH PLAIN\r\n${bad}\r\n`, [], auth);
  assert.deepEqual(codes(run.output).slice(-2), ['334', '535']);
});

test('SmtpServerSession answers the AUTH errors of RFC 4954', () => {
  const cases: Array<[string, string]> = [
    ['AUTH PLAIN\r\n*\r\n', '501 5.7.0'],
    ['AUTH PLAIN !!!!\r\n', '501 5.5.2'],
    ['AUTH PLAIN =\r\n', '501 5.5.2'],
    ['AUTH CRAM-MD5\r\n', '504 5.5.4'],
    ['AUTH\r\n', '501 5.5.4'],
    [`AUTH PLAIN ${good}\r\nAUTH PLAIN ${good}\r\n`, '503 5.5.1'],
    ['MAIL FROM:<>\r\nAUTH PLAIN x\r\n', '503 5.5.1'],
    [`AUTH PLAIN\r\n${'A'.repeat(3000)}\r\n`, '500 5.5.6'],
  ];
  for (const [input, reply] of cases) {
    const run = runSmtp(`EHLO c\r\n${input}`, [], auth);
    assert.ok(run.output.trimEnd().split('\r\n').pop()!.startsWith(reply), input);
  }
  assert.ok(
    runSmtp(`HELO c\r\nAUTH PLAIN ${good}\r\n`, [], auth).output.endsWith(
      '503 5.5.1 Error: send EHLO first\r\n',
    ),
  );
});

test('SmtpServerSession refuses AUTH over plain text when authRequiresTls is set', () => {
  const run = runSmtp(`EHLO c\r\nAUTH PLAIN ${good}\r\n`, [], { auth: true });
  assert.ok(run.output.endsWith('503 5.5.1 Error: authentication not enabled\r\n'));
});

test('SmtpServerSession hands bytes after STARTTLS to TLS and forgets the session after it', () => {
  const session = new SmtpServerSession({ hostname: 'mx', startTls: true, auth: true });
  session.receiveData(Buffer.from('EHLO c\r\nSTARTTLS\r\nMAIL FROM:<injected@x.example>\r\n'));
  assert.equal(session.nextEvent()?.type, 'helo');
  assert.deepEqual(session.nextEvent(), { type: 'starttls' });
  assert.equal(session.nextEvent(), null);
  assert.ok(session.takeOutput().toString().endsWith('220 2.0.0 Ready to start TLS\r\n'));
  assert.equal(session.takeBuffered().toString(), 'MAIL FROM:<injected@x.example>\r\n');
  session.tlsStarted();
  session.receiveData(Buffer.from('MAIL FROM:<>\r\nEHLO c\r\n'));
  assert.equal(session.nextEvent()?.type, 'helo');
  const out = session.takeOutput().toString();
  assert.ok(out.startsWith('503 5.5.1 Error: send HELO/EHLO first\r\n'));
  assert.ok(!out.includes('STARTTLS') && out.includes('AUTH PLAIN'));
  assert.equal(session.protocolName, 'ESMTPS');
});

test('SmtpServerSession refuses STARTTLS inside a mail transaction', () => {
  const run = runSmtp('EHLO c\r\nMAIL FROM:<>\r\nSTARTTLS\r\n', [], { startTls: true });
  assert.ok(run.output.endsWith('503 5.5.1 Error: MAIL transaction in progress\r\n'));
});

test('SmtpServerSession.refuseAuthAndClose() answers 535 then 421 4.7.0 and reads no further command', () => {
  const session = new SmtpServerSession({ hostname: 'mx.test', ...auth });
  session.receiveData(Buffer.from(`EHLO c\r\nAUTH PLAIN ${bad}\r\nNOOP\r\n`));
  assert.equal(session.nextEvent()?.type, 'helo');
  assert.equal(session.nextEvent()?.type, 'auth');
  session.refuseAuthAndClose();
  assert.equal(session.closed, true);
  assert.equal(session.nextEvent(), null, 'the pipelined NOOP is never read');
  const lines = session.takeOutput().toString('latin1').trimEnd().split('\r\n');
  assert.deepEqual(lines.slice(-2), [
    '535 5.7.8 Authentication credentials invalid',
    '421 4.7.0 Error: too many failed authentications, closing connection',
  ]);
  assert.throws(() => session.refuseAuth(), /no auth decision/);
});

/** One LOGIN answer: the field in base64, as a client sends it. */
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

test('SmtpServerSession takes AUTH LOGIN: Username: and Password: prompts, then one decision', () => {
  const run = runSmtp(`EHLO c\r\nAUTH LOGIN\r\n${b64('demo')}\r\n${b64('secret')}\r\n`, [], auth);
  assert.deepEqual(run.events, ['helo c', 'auth demo']);
  const lines = run.output.trimEnd().split('\r\n');
  assert.deepEqual(lines.slice(-3), [
    '334 VXNlcm5hbWU6',
    '334 UGFzc3dvcmQ6',
    '235 2.7.0 Authentication successful',
  ]);
  assert.equal(run.session.protocolName, 'ESMTPA');
});

test('SmtpServerSession takes the user name as AUTH LOGIN initial response, cut anywhere', () => {
  const input = `EHLO c\r\nAUTH LOGIN ${b64('demo')}\r\n${b64('wrong')}\r\n`;
  for (const cut of [7, 20, input.length - 3]) {
    const run = runSmtp(input, [cut], auth);
    assert.deepEqual(codes(run.output).slice(-2), ['334', '535'], `cut at ${cut}`);
    assert.ok(run.output.includes('334 UGFzc3dvcmQ6\r\n'));
    assert.ok(!run.output.includes('VXNlcm5hbWU6'), 'no Username: prompt when it was given');
  }
});

test('SmtpServerSession hands the mechanism and both LOGIN fields to the glue', () => {
  const session = new SmtpServerSession({ hostname: 'mx', ...auth });
  session.receiveData(Buffer.from(`EHLO c\r\nAUTH login\r\n${b64('ünï')}\r\n${b64('p w')}\r\n`));
  assert.equal(session.nextEvent()?.type, 'helo');
  assert.deepEqual(session.nextEvent(), {
    type: 'auth',
    mechanism: 'LOGIN',
    authorizationId: '',
    username: 'ünï',
    password: 'p w',
  });
});

test('SmtpServerSession answers the AUTH LOGIN errors like PLAIN ones', () => {
  const cases: Array<[string, string]> = [
    ['AUTH LOGIN\r\n*\r\n', '501 5.7.0'],
    [`AUTH LOGIN\r\n${b64('demo')}\r\n*\r\n`, '501 5.7.0'],
    ['AUTH LOGIN\r\n!!!!\r\n', '501 5.5.2'],
    ['AUTH LOGIN =\r\n', '501 5.5.2'],
    [`AUTH LOGIN\r\n${b64('demo')}\r\n=\r\n`, '501 5.5.2'],
    [`AUTH LOGIN\r\n${b64('a\0b')}\r\n`, '501 5.5.2'],
    [`AUTH LOGIN\r\n${b64('x'.repeat(256))}\r\n`, '501 5.5.2'],
    [`AUTH LOGIN\r\n${'A'.repeat(3000)}\r\n`, '500 5.5.6'],
  ];
  for (const [input, reply] of cases) {
    const run = runSmtp(`EHLO c\r\n${input}`, [], auth);
    assert.ok(run.output.trimEnd().split('\r\n').pop()!.startsWith(reply), input);
    assert.equal(run.session.protocolName, 'ESMTP', input);
  }
  // After an aborted exchange the session reads commands again.
  const after = runSmtp(`EHLO c\r\nAUTH LOGIN\r\n*\r\nNOOP\r\n`, [], auth);
  assert.ok(after.output.endsWith('250 2.0.0 Ok\r\n'));
  const overPlainText = runSmtp(`EHLO c\r\nAUTH LOGIN ${b64('demo')}\r\n`, [], { auth: true });
  assert.ok(overPlainText.output.endsWith('503 5.5.1 Error: authentication not enabled\r\n'));
});
