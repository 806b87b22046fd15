/**
 * Regression: SMTP AUTH was a fast password oracle (10 wrong AUTH PLAIN on one connection took
 * 0.65 s and the connection stayed open), and POP3 delayed failures but never hung up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmtpClient } from '../../../src/protocols/mail/index.js';
import { type Clock, systemClock } from '../../../src/server/clock.js';
import { CERT_NONE, PROTOCOL_TLS_CLIENT, SSLContext } from '../../../src/socket/index.js';
import { LineClient, serverTls, startMail } from './service-support.js';

/** A distinctive delay, so the test can tell the login pause from the other timers. */
const DELAY = 37;

/** The system clock, recording each timer of `DELAY` ms asked for. */
function recordingClock(): { clock: Clock; pauses: () => number } {
  let pauses = 0;
  const clock: Clock = {
    now: () => systemClock.now(),
    setTimer(ms, callback) {
      if (ms === DELAY) pauses += 1;
      return systemClock.setTimer(ms, callback);
    },
  };
  return { clock, pauses: () => pauses };
}

function plain(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`).toString('base64');
}

test('10 wrong AUTH PLAIN: each failure is paused, the third gets 535 then 421 4.7.0 and the connection is closed', async () => {
  const { clock, pauses } = recordingClock();
  const mail = await startMail({
    smtp: { tls: await serverTls(), failedLoginDelay: DELAY, clock },
  });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.checkHostname = false;
    ctx.verifyMode = CERT_NONE;
    await smtp.starttls(ctx);
    const replies: Array<{ code: number; enhanced: string | null }> = [];
    let closed = false;
    for (let i = 0; i < 10 && !closed; i++) {
      try {
        const { code, enhanced } = await smtp.command(`AUTH PLAIN ${plain('demo', `guess${i}`)}`);
        replies.push({ code, enhanced });
      } catch {
        closed = true;
      }
    }
    // The 421 follows the third 535 at once, so the fourth AUTH reads it; the fifth finds the
    // connection closed.
    assert.deepEqual(replies, [
      { code: 535, enhanced: '5.7.8' },
      { code: 535, enhanced: '5.7.8' },
      { code: 535, enhanced: '5.7.8' },
      { code: 421, enhanced: '4.7.0' },
    ]);
    assert.equal(closed, true, 'the server closed the connection');
    assert.equal(pauses(), 3, 'every failure waited the delay');
  } finally {
    await mail.stop();
  }
});

test('a right password after two wrong ones still logs in over SMTP', async () => {
  const mail = await startMail({ smtp: { tls: await serverTls() } });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.checkHostname = false;
    ctx.verifyMode = CERT_NONE;
    await smtp.starttls(ctx);
    for (const guess of ['a', 'b']) {
      assert.equal((await smtp.command(`AUTH PLAIN ${plain('demo', guess)}`)).code, 535);
    }
    assert.equal((await smtp.command(`AUTH PLAIN ${plain('demo', 'demo')}`)).code, 235);
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});

test('POP3 closes the connection after maxLoginAttempts wrong passwords, each one paused', async () => {
  const { clock, pauses } = recordingClock();
  const mail = await startMail({ pop3: { failedLoginDelay: DELAY, maxLoginAttempts: 2, clock } });
  try {
    const c = await LineClient.connect(mail.pop3Port);
    assert.match(await c.line(), /^\+OK/);
    for (let i = 0; i < 2; i++) {
      await c.send('USER demo\r\n');
      assert.match(await c.line(), /^\+OK/);
      await c.send(`PASS wrong${i}\r\n`);
      assert.equal(await c.line(), '-ERR [AUTH] Authentication failed.');
    }
    assert.equal(await c.rest(), '', 'closed after the second failure');
    assert.equal(pauses(), 2);
    c.close();
  } finally {
    await mail.stop();
  }
});
