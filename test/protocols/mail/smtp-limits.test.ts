/**
 * Regression: SMTP took 32 MiB messages from anyone for local users with no rate and no quota,
 * so one client could fill the disk. Now a per-client message rate (452 4.7.0) and an optional
 * per-mailbox quota (552 5.2.2).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmtpClient, SmtpReplyError } from '../../../src/protocols/mail/index.js';
import { LineClient, startMail } from './service-support.js';

/** A message with a body of about `bytes` bytes, in lines of 100. */
function message(bytes: number): string {
  const line = `${'x'.repeat(98)}\r\n`;
  return `Subject: size ${bytes}\r\n\r\n${line.repeat(Math.ceil(bytes / line.length))}`;
}

function refusedWith(code: number, enhanced: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SmtpReplyError, String(err));
    assert.equal(err.replyCode, code, err.message);
    assert.equal(err.enhanced, enhanced, err.message);
    return true;
  };
}

test('a client over maxMessagesPerMinute gets 452 4.7.0 at RCPT, on every connection it opens', async () => {
  const mail = await startMail({
    smtp: { maxMessagesPerMinute: 2, messageRateExemptsLoopback: false },
  });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    await smtp.sendMail('a@remote.test', ['demo@example.test'], message(10));
    // Two recipients in one transaction are one message.
    await smtp.sendMail('a@remote.test', ['demo@example.test', 'alice@example.test'], message(10));
    await assert.rejects(
      smtp.sendMail('a@remote.test', ['demo@example.test'], message(10)),
      refusedWith(452, '4.7.0'),
    );
    await smtp.quit();
    const again = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await again.ehlo();
    assert.equal((await again.command('MAIL FROM:<a@remote.test>')).code, 250);
    const rcpt = await again.command('RCPT TO:<alice@example.test>');
    assert.equal(rcpt.code, 452);
    assert.match(rcpt.lines.join(' '), /too much mail from 127\.0\.0\.1/);
    await again.quit();
    assert.equal((await (await mail.store.maildir('demo')).list()).length, 2);
  } finally {
    await mail.stop();
  }
});

test('loopback clients are exempt from the message rate by default, as Postfix exempts $mynetworks', async () => {
  const mail = await startMail({ smtp: { maxMessagesPerMinute: 1 } });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    for (let i = 0; i < 3; i++) {
      await smtp.sendMail('a@remote.test', ['demo@example.test'], message(10));
    }
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});

test('a message that would take a mailbox over mailboxQuota gets 552 5.2.2 at the dot and is stored for no one', async () => {
  const mail = await startMail({ smtp: { mailboxQuota: 3000 } });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    await smtp.sendMail('a@remote.test', ['demo@example.test'], message(1500));
    // The client declares SIZE, so the server refuses at RCPT already.
    await assert.rejects(
      smtp.sendMail('a@remote.test', ['demo@example.test'], message(1500)),
      refusedWith(552, '5.2.2'),
    );
    await smtp.rset();
    // Without SIZE the size is known only at the dot. All or nothing: alice has room, demo not.
    const c = await LineClient.connect(mail.smtpPort);
    await c.reply();
    await c.send('EHLO c.test\r\n');
    await c.reply();
    await c.send('MAIL FROM:<a@remote.test>\r\n');
    assert.match(await c.reply(), /^250 /);
    await c.send('RCPT TO:<alice@example.test>\r\nRCPT TO:<demo@example.test>\r\n');
    assert.match(await c.reply(), /^250 /);
    assert.match(await c.reply(), /^250 /);
    await c.send('DATA\r\n');
    assert.match(await c.reply(), /^354 /);
    await c.send(`${message(1500)}.\r\n`);
    assert.equal(await c.reply(), '552 5.2.2 Error: mailbox full');
    await c.send('QUIT\r\n');
    await c.reply();
    c.close();
    assert.equal((await (await mail.store.maildir('demo')).list()).length, 1);
    assert.equal((await (await mail.store.maildir('alice')).list()).length, 0);
    // A small one still fits, and the session goes on.
    await smtp.sendMail('a@remote.test', ['demo@example.test'], message(10));
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});

test('a full mailbox, or a declared SIZE that does not fit, is refused at RCPT with 552 5.2.2', async () => {
  const mail = await startMail({ smtp: { mailboxQuota: 1000 } });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    assert.equal((await smtp.command('MAIL FROM:<a@remote.test> SIZE=5000')).code, 250);
    const big = await smtp.command('RCPT TO:<alice@example.test>');
    assert.deepEqual([big.code, big.enhanced], [552, '5.2.2']);
    await smtp.rset();
    const box = await mail.store.maildir('demo');
    await box.deliver(Buffer.from(message(1000)));
    assert.equal((await smtp.command('MAIL FROM:<a@remote.test>')).code, 250);
    const full = await smtp.command('RCPT TO:<demo@example.test>');
    assert.deepEqual([full.code, full.enhanced], [552, '5.2.2']);
    assert.match(
      full.lines.join(' '),
      /<demo@example\.test>: Recipient address rejected: mailbox full/,
    );
    assert.equal((await smtp.command('RCPT TO:<alice@example.test>')).code, 250);
    await smtp.rset();
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});
