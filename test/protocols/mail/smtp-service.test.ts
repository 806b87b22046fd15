import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, LineClient, startMail } from './service-support.js';

/** The names in a Maildir folder, which must exist: a wrong path fails instead of reading empty. */
function files(dir: string): Promise<string[]> {
  return readdir(dir);
}

async function greet(port: number): Promise<LineClient> {
  const c = await LineClient.connect(port);
  assert.match(await c.reply(), /^220 mx\.example\.test ESMTP polyport$/);
  await c.send('EHLO client.example\r\n');
  assert.match(await c.reply(), /^250-mx\.example\.test\n/);
  return c;
}

test('startSmtpService() delivers a message to the local user with a Received: header', async () => {
  const mail = await startMail();
  try {
    const c = await greet(mail.smtpPort);
    await c.send('MAIL FROM:<carol@client.example>\r\n');
    assert.equal(await c.reply(), '250 2.1.0 Ok');
    await c.send('RCPT TO:<Demo@Example.Test>\r\n');
    assert.equal(await c.reply(), '250 2.1.5 Ok');
    await c.send('DATA\r\n');
    assert.match(await c.reply(), /^354 /);
    await c.send('Subject: hi\r\n\r\n..dotted\r\nbody\r\n.\r\n');
    assert.match(await c.reply(), /^250 2\.0\.0 Ok: queued as [0-9A-F]+$/);
    await c.send('QUIT\r\n');
    assert.equal(await c.reply(), '221 2.0.0 Bye');
    c.close();
    const box = await mail.store.maildir('demo');
    const [entry] = await box.list();
    assert.ok(entry !== undefined);
    const text = await readFile(join(box.root, 'cur', `${entry.id}:2,`), 'latin1');
    assert.match(
      text,
      /^Return-Path: <carol@client\.example>\r\nReceived: from client\.example \(unknown \[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(polyport\) with ESMTP id [0-9A-F]+\r\n\tfor <Demo@Example\.Test>; .+ \+0000\r\n/,
    );
    assert.ok(text.endsWith('Subject: hi\r\n\r\n.dotted\r\nbody\r\n'));
    await eventually(() => mail.requests.some((r) => r.msg === 'message'));
    const logged = mail.requests.find((r) => r.msg === 'message')!;
    assert.equal(logged.from, 'carol@client.example');
    assert.deepEqual(logged.to, ['Demo@Example.Test']);
  } finally {
    await mail.stop();
  }
});

test('a delivered message starts with Return-Path: <reverse-path> (RFC 5321 §4.4), <> for a null sender', async () => {
  const mail = await startMail();
  try {
    const c = await greet(mail.smtpPort);
    for (const from of ['<bounce@client.example>', '<>']) {
      await c.send(
        `MAIL FROM:${from}\r\nRCPT TO:<demo@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n`,
      );
      assert.equal(await c.reply(), '250 2.1.0 Ok');
      assert.equal(await c.reply(), '250 2.1.5 Ok');
      assert.equal(await c.reply(), '250 2.1.5 Ok');
      assert.match(await c.reply(), /^354 /);
      await c.send('Return-Path: <forged@client.example>\r\nSubject: bounce\r\n\r\nx\r\n.\r\n');
      assert.match(await c.reply(), /^250 2\.0\.0 /);
    }
    c.close();
    for (const user of ['demo', 'alice']) {
      const box = await mail.store.maildir(user);
      const entries = await box.list();
      const texts = await Promise.all(
        entries.map((e) => readFile(join(box.root, 'cur', `${e.id}:2,`), 'latin1')),
      );
      assert.deepEqual(
        texts.map((t) => t.slice(0, t.indexOf('\r\n'))),
        ['Return-Path: <bounce@client.example>', 'Return-Path: <>'],
      );
      for (const [i, text] of texts.entries()) {
        assert.match(text, /^Return-Path: <[^>]*>\r\nReceived: from client\.example /);
        assert.ok(
          text.endsWith('Return-Path: <forged@client.example>\r\nSubject: bounce\r\n\r\nx\r\n'),
        );
        assert.equal(entries[i]!.size, Buffer.byteLength(text, 'latin1'));
      }
    }
  } finally {
    await mail.stop();
  }
});

test('startSmtpService() refuses unknown local users with 550 5.1.1 and other domains as relaying', async () => {
  const mail = await startMail();
  try {
    const c = await greet(mail.smtpPort);
    await c.send(
      'MAIL FROM:<x@client.example>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<victim@elsewhere.example>\r\nRCPT TO:<a.liddell@localhost>\r\n',
    );
    assert.equal(await c.reply(), '250 2.1.0 Ok');
    assert.match(
      await c.reply(),
      /^550 5\.1\.1 <nobody@example\.test>: Recipient address rejected/,
    );
    assert.equal(await c.reply(), '554 5.7.1 <victim@elsewhere.example>: Relay access denied');
    assert.equal(await c.reply(), '250 2.1.5 Ok');
    c.close();
  } finally {
    await mail.stop();
  }
});

test('startSmtpService() sends mail for unknown local addresses to the catch-all user', async () => {
  const mail = await startMail({ smtp: { catchAll: 'alice' } });
  try {
    const c = await greet(mail.smtpPort);
    await c.send('MAIL FROM:<>\r\nRCPT TO:<whoever@example.test>\r\nDATA\r\n');
    assert.equal(await c.reply(), '250 2.1.0 Ok');
    assert.equal(await c.reply(), '250 2.1.5 Ok');
    assert.match(await c.reply(), /^354 /);
    await c.send('Subject: lab\r\n\r\nx\r\n.\r\n');
    assert.match(await c.reply(), /^250 2\.0\.0 /);
    c.close();
    assert.equal((await (await mail.store.maildir('alice')).list()).length, 1);
  } finally {
    await mail.stop();
  }
});

test('an oversized message is refused with 552 mid-transfer and nothing is stored', async () => {
  const mail = await startMail({ smtp: { maxMessageSize: 10_000 } });
  try {
    const c = await greet(mail.smtpPort);
    await c.send('MAIL FROM:<x@client.example>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n');
    await c.reply();
    await c.reply();
    assert.match(await c.reply(), /^354 /);
    const line = `${'x'.repeat(98)}\r\n`;
    await c.send(line.repeat(200));
    const box = await mail.store.maildir('demo');
    // The limit was passed: the partial file is gone from tmp/ before the final dot arrives.
    await eventually(async () => (await files(join(box.root, 'tmp'))).length === 0);
    await c.send('.\r\n');
    assert.equal(await c.reply(), '552 5.3.4 Error: message file too big');
    await c.send('NOOP\r\n');
    assert.equal(await c.reply(), '250 2.0.0 Ok');
    c.close();
    assert.deepEqual(await box.list(), []);
    assert.deepEqual(await files(join(box.root, 'tmp')), []);
  } finally {
    await mail.stop();
  }
});

test('a connection cut mid-DATA stores nothing, not even a file in tmp/', async () => {
  const mail = await startMail();
  try {
    const c = await greet(mail.smtpPort);
    await c.send('MAIL FROM:<x@client.example>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n');
    await c.reply();
    await c.reply();
    assert.match(await c.reply(), /^354 /);
    await c.send('Subject: half\r\n\r\nthe first half of a message\r\n');
    const box = await mail.store.maildir('demo');
    await eventually(async () => (await files(join(box.root, 'tmp'))).length === 1);
    c.close();
    await eventually(async () => (await files(join(box.root, 'tmp'))).length === 0);
    assert.deepEqual(await box.list(), []);
  } finally {
    await mail.stop();
  }
});

test('a client over the connection limit gets 421 4.7.0 and is closed', async () => {
  const limits = {
    maxConnections: 1,
    maxConnectionsPerAddress: 1,
    idleTimeout: 60,
    readTimeout: 30,
    maxRequestSize: 65536,
  };
  const mail = await startMail({ limits });
  try {
    const first = await LineClient.connect(mail.smtpPort);
    assert.match(await first.reply(), /^220 /);
    const second = await LineClient.connect(mail.smtpPort);
    assert.match(await second.rest(), /^421 4\.7\.0 mx\.example\.test Error: too many connections/);
    first.close();
    second.close();
  } finally {
    await mail.stop();
  }
});

test('an idle SMTP client is told 421 4.4.2 and disconnected', async () => {
  const limits = {
    maxConnections: 10,
    maxConnectionsPerAddress: 10,
    idleTimeout: 0.2,
    readTimeout: 30,
    maxRequestSize: 65536,
  };
  const mail = await startMail({ limits });
  try {
    const c = await LineClient.connect(mail.smtpPort);
    assert.match(await c.reply(), /^220 /);
    assert.equal(await c.rest(), '421 4.4.2 mx.example.test Error: timeout exceeded\r\n');
    c.close();
  } finally {
    await mail.stop();
  }
});
