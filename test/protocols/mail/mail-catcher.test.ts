/**
 * The mail catcher options of `startSmtpService`: `acceptAll` takes every recipient into one
 * mailbox, `acceptAnyAuth` lets every AUTH through and logs who tried; neither changes the
 * server when off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaildirStore, SmtpClient, startSmtpService } from '../../../src/protocols/mail/index.js';
import { CERT_NONE, PROTOCOL_TLS_CLIENT, SSLContext } from '../../../src/socket/index.js';
import { serverTls, startMail } from './service-support.js';

const MESSAGE = 'Subject: caught\r\n\r\nHello.\r\n';

/** Connects and says EHLO, over STARTTLS when `tls` (AUTH is offered only there). */
async function client(port: number, tls = false): Promise<SmtpClient> {
  const smtp = await SmtpClient.connect('127.0.0.1', port, { timeout: 5 });
  await smtp.ehlo();
  if (tls) {
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.checkHostname = false;
    ctx.verifyMode = CERT_NONE;
    await smtp.starttls(ctx);
  }
  return smtp;
}

/** The base64 of one AUTH LOGIN answer. */
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

test('by default a recipient in another domain is still refused with 554 5.7.1', async () => {
  const mail = await startMail();
  try {
    const smtp = await client(mail.smtpPort);
    const sent = await smtp.sendMail(
      'app@client.test',
      ['anyone@anywhere.example', 'demo@example.test'],
      MESSAGE,
    );
    assert.deepEqual(sent.accepted, ['demo@example.test']);
    const refused = sent.refused.get('anyone@anywhere.example');
    assert.equal(refused?.code, 554);
    assert.equal(refused?.enhanced, '5.7.1');
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});

test("acceptAll stores a message for any recipients once, in the catchAll user's mailbox", async () => {
  const mail = await startMail({ smtp: { acceptAll: true, catchAll: 'alice' } });
  try {
    const smtp = await client(mail.smtpPort);
    const to = ['anyone@anywhere.example', 'demo@example.test', 'ghost@localhost', 'x@y.z.example'];
    const sent = await smtp.sendMail('app@client.test', to, MESSAGE);
    assert.deepEqual(sent.accepted, to);
    assert.equal(sent.refused.size, 0);
    await smtp.quit();
    assert.equal((await (await mail.store.maildir('alice')).list()).length, 1);
    assert.deepEqual(await (await mail.store.maildir('demo')).list(), []);
  } finally {
    await mail.stop();
  }
});

test("acceptAll without catchAll stores into the first user's mailbox", async () => {
  const mail = await startMail({ smtp: { acceptAll: true } });
  try {
    const smtp = await client(mail.smtpPort);
    await smtp.sendMail(
      'app@client.test',
      ['someone@gmail.example', 'alice@example.test'],
      MESSAGE,
    );
    await smtp.quit();
    assert.equal(mail.users[0]?.name, 'demo');
    assert.equal((await (await mail.store.maildir('demo')).list()).length, 1);
    assert.deepEqual(await (await mail.store.maildir('alice')).list(), []);
  } finally {
    await mail.stop();
  }
});

test('acceptAll needs a user to deliver to', async () => {
  await assert.rejects(
    startSmtpService({
      address: ['127.0.0.1', 0],
      users: [],
      store: new MaildirStore('/nonexistent/polyport-mail'),
      acceptAll: true,
    }),
    /acceptAll needs a user/,
  );
});

test('acceptAnyAuth: AUTH PLAIN and LOGIN succeed for anyone, logged with the user and never the password', async () => {
  const logs: Array<{ message: string; fields: Readonly<Record<string, unknown>> }> = [];
  const mail = await startMail({
    smtp: {
      tls: await serverTls(),
      acceptAnyAuth: true,
      observer: { log: (_level, message, fields = {}) => logs.push({ message, fields }) },
    },
  });
  try {
    const plain = await client(mail.smtpPort, true);
    await plain.authPlain('nobody@prod.example', 'hunter2');
    await plain.quit();
    const login = await client(mail.smtpPort, true);
    assert.equal((await login.command('AUTH LOGIN')).lines[0], 'VXNlcm5hbWU6');
    assert.equal((await login.command(b64('app'))).lines[0], 'UGFzc3dvcmQ6');
    assert.equal((await login.command(b64('hunter2'))).code, 235);
    const sent = await login.sendMail('app@client.test', ['demo@example.test'], MESSAGE);
    assert.equal(sent.reply.code, 250);
    await login.quit();
    const tried = logs.filter((l) => l.message.includes('acceptAnyAuth'));
    assert.deepEqual(
      tried.map((l) => [l.fields.mechanism, l.fields.user]),
      [
        ['PLAIN', 'nobody@prod.example'],
        ['LOGIN', 'app'],
      ],
    );
    assert.ok(!JSON.stringify(logs).includes('hunter2'), 'the password is not logged');
  } finally {
    await mail.stop();
  }
});

test('without acceptAnyAuth, AUTH LOGIN checks the password as PLAIN does', async () => {
  const mail = await startMail({ smtp: { tls: await serverTls() } });
  try {
    const smtp = await client(mail.smtpPort, true);
    assert.deepEqual(smtp.capabilities?.authMechanisms, ['PLAIN', 'LOGIN']);
    await smtp.command(`AUTH LOGIN ${b64('demo')}`);
    assert.equal((await smtp.command(b64('wrong'))).code, 535);
    await smtp.command(`AUTH LOGIN ${b64('demo')}`);
    assert.equal((await smtp.command(b64('demo'))).code, 235);
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});
