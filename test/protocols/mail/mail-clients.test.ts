import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  Pop3Client,
  Pop3Error,
  SmtpClient,
  SmtpReplyError,
} from '../../../src/protocols/mail/index.js';
import { CERT_NONE, PROTOCOL_TLS_CLIENT, SSLContext } from '../../../src/socket/index.js';
import { eventually, LineClient, serverTls, startMail } from './service-support.js';

const fixture = await readFile(new URL('../../fixtures/mail/dotted-message.eml', import.meta.url));

function insecureClient(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.checkHostname = false;
  ctx.verifyMode = CERT_NONE;
  return ctx;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

test('a message sent with SmtpClient comes back byte for byte through Pop3Client', async () => {
  const mail = await startMail();
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    const caps = await smtp.ehlo('client.example');
    assert.ok(caps.extensions.has('PIPELINING'));
    const result = await smtp.sendMail(
      'carol@client.example',
      ['demo@example.test', 'nobody@example.test'],
      fixture,
    );
    assert.deepEqual(result.accepted, ['demo@example.test']);
    assert.equal(result.refused.get('nobody@example.test')?.code, 550);
    assert.match(result.reply.lines[0]!, /^Ok: queued as /);
    await smtp.quit();

    const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    await pop.login('demo', 'demo');
    assert.deepEqual(await pop.stat(), { count: 1, size: (await pop.list())[0]!.value });
    const [uid] = await pop.uidl();
    assert.match(uid!.value, /^\d+\.M\d+P\d+Q\d+\.test,S=\d+$/);
    const message = await readAll(await pop.retr(1));
    assert.match(
      message.toString('latin1'),
      /^Return-Path: <carol@client\.example>\r\nReceived: from client\.example /,
    );
    assert.ok(message.subarray(message.length - fixture.length).equals(fixture));
    const top = await pop.top(1, 0);
    assert.ok(top.toString('latin1').endsWith('\r\n\r\n'));
    await pop.dele(1);
    await pop.quit();
    assert.deepEqual(await (await mail.store.maildir('demo')).list(), []);
  } finally {
    await mail.stop();
  }
});

test('SmtpClient streams a message given as a stream and normalises bare LF line endings', async () => {
  const mail = await startMail();
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    const chunks = ['Subject: str', 'eamed\n\n.leading dot\nlast line without newline'];
    await smtp.sendMail(
      '',
      ['a.liddell@localhost'],
      Readable.from(chunks.map((c) => Buffer.from(c))),
    );
    await smtp.quit();
    const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    await pop.login('alice', 'wonderland', 'PLAIN');
    const text = (await readAll(await pop.retr(1))).toString('latin1');
    assert.ok(
      text.endsWith('Subject: streamed\r\n\r\n.leading dot\r\nlast line without newline\r\n'),
    );
    await pop.quit();
  } finally {
    await mail.stop();
  }
});

test('SmtpClient rejects with SmtpReplyError when every recipient is refused', async () => {
  const mail = await startMail();
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    await assert.rejects(
      smtp.sendMail('x@client.example', ['someone@elsewhere.example'], 'Subject: x\r\n\r\n'),
      (err: unknown) => err instanceof SmtpReplyError && err.replyCode === 554,
    );
    // The session is still usable: the pipelined DATA was refused, nothing is pending.
    await smtp.noop();
    await smtp.quit();
  } finally {
    await mail.stop();
  }
});

test('STARTTLS upgrades the SMTP session, and AUTH PLAIN and LOGIN are offered only over TLS', async () => {
  const mail = await startMail({ smtp: { tls: await serverTls() } });
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    const plain = await smtp.ehlo();
    assert.ok(plain.extensions.has('STARTTLS'));
    assert.deepEqual(plain.authMechanisms, []);
    await smtp.starttls(insecureClient());
    assert.ok(smtp.secure);
    assert.deepEqual(smtp.capabilities?.authMechanisms, ['PLAIN', 'LOGIN']);
    assert.ok(!smtp.capabilities?.extensions.has('STARTTLS'));
    await assert.rejects(smtp.authPlain('demo', 'wrong'), (err: unknown) => {
      return err instanceof SmtpReplyError && err.replyCode === 535;
    });
    await smtp.authPlain('demo', 'demo');
    await smtp.sendMail('demo@example.test', ['demo@example.test'], 'Subject: tls\r\n\r\nx\r\n');
    await smtp.quit();
    const box = await mail.store.maildir('demo');
    const [entry] = await box.list();
    const text = (await readAll(await box.open(entry!.id))).toString('latin1');
    assert.match(text, /with ESMTPSA id/);
  } finally {
    await mail.stop();
  }
});

test('plaintext after STARTTLS is never executed: the server closes instead', async () => {
  const mail = await startMail({ smtp: { tls: await serverTls() } });
  try {
    const c = await LineClient.connect(mail.smtpPort);
    await c.reply();
    await c.send('EHLO x\r\n');
    await c.reply();
    await c.send('STARTTLS\r\nRSET\r\n');
    assert.equal(await c.rest(), '220 2.0.0 Ready to start TLS\r\n');
    c.close();
  } finally {
    await mail.stop();
  }
});

test('STLS upgrades a POP3 session that refused plain-text login before it', async () => {
  const mail = await startMail({ pop3: { tls: await serverTls(), allowPlaintext: false } });
  try {
    const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    const before = await pop.capa();
    assert.ok(before.stls);
    assert.ok(!before.user);
    await assert.rejects(pop.login('demo', 'demo'), (err: unknown) => {
      return err instanceof Pop3Error && err.responseCode === 'AUTH';
    });
    await pop.stls(insecureClient());
    assert.ok(pop.secure);
    const after = await pop.capa();
    assert.ok(after.user && !after.stls);
    await pop.login('demo', 'demo');
    assert.deepEqual(await pop.stat(), { count: 0, size: 0 });
    await pop.quit();
  } finally {
    await mail.stop();
  }
});

test('POP3S speaks TLS from the first byte', async () => {
  const mail = await startMail({
    pop3: { tls: await serverTls(), implicitTls: true, allowPlaintext: false },
  });
  try {
    const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, {
      timeout: 5,
      tls: insecureClient(),
    });
    assert.ok(pop.secure);
    assert.ok(!(await pop.capa()).stls);
    await pop.login('demo@example.test', 'demo');
    await pop.quit();
  } finally {
    await mail.stop();
  }
});

test('a second POP3 session for the same mailbox gets [IN-USE] until the first ends', async () => {
  const mail = await startMail();
  try {
    const first = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    await first.login('demo', 'demo');
    const second = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    await assert.rejects(second.login('demo', 'demo'), (err: unknown) => {
      return err instanceof Pop3Error && err.responseCode === 'IN-USE';
    });
    await first.quit();
    await eventually(async () => {
      try {
        await second.login('demo', 'demo');
        return true;
      } catch {
        return false;
      }
    });
    await second.quit();
  } finally {
    await mail.stop();
  }
});

test('a dropped POP3 session deletes nothing, even with messages marked deleted', async () => {
  const mail = await startMail();
  try {
    const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 5 });
    await smtp.ehlo();
    for (const n of [1, 2]) {
      await smtp.sendMail('x@client.example', ['demo@example.test'], `Subject: ${n}\r\n\r\n`);
    }
    await smtp.quit();
    const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    await pop.login('demo', 'demo');
    await pop.dele(1);
    await pop.dele(2);
    assert.deepEqual(await pop.stat(), { count: 0, size: 0 });
    pop.close();
    const again = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    await eventually(async () => {
      try {
        await again.login('demo', 'demo');
        return true;
      } catch {
        return false;
      }
    });
    assert.equal((await again.stat()).count, 2);
    await again.quit();
  } finally {
    await mail.stop();
  }
});

test('a failed POP3 login is answered only after the failed-login delay', async () => {
  const mail = await startMail({ pop3: { failedLoginDelay: 300 } });
  try {
    const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
    const started = Date.now();
    await assert.rejects(pop.login('demo', 'guess'), Pop3Error);
    assert.ok(Date.now() - started >= 200);
    await assert.rejects(pop.login('nobody', 'guess'), Pop3Error);
    await pop.login('demo', 'demo');
    await pop.quit();
  } finally {
    await mail.stop();
  }
});

test('an idle POP3 session is logged out without deleting anything', async () => {
  const limits = {
    maxConnections: 10,
    maxConnectionsPerAddress: 10,
    idleTimeout: 0.3,
    readTimeout: 30,
    maxRequestSize: 65536,
  };
  const mail = await startMail({ limits });
  try {
    const c = await LineClient.connect(mail.pop3Port);
    assert.match(await c.line(), /^\+OK /);
    await c.send('USER demo\r\nPASS demo\r\n');
    await c.line();
    assert.equal(await c.line(), '+OK Logged in.');
    assert.equal(await c.rest(), '-ERR Disconnected for inactivity.\r\n');
    c.close();
  } finally {
    await mail.stop();
  }
});

test('a client that logs in again right after QUIT never finds its own mailbox [IN-USE]', async () => {
  const mail = await startMail();
  try {
    for (let i = 0; i < 10; i++) {
      const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
      await pop.login('demo', 'demo');
      await pop.quit();
    }
  } finally {
    await mail.stop();
  }
});
