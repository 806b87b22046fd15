/**
 * swaks, the SMTP test tool, against polyport's SMTP server: the defects it found (issue 16)
 * stay fixed. Each message is then read back from the Maildir and over POP3.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pop3Client } from '../../src/protocols/mail/index.js';
import { type MailFixture, startMail } from '../protocols/mail/service-support.js';
import { needs } from '../support/interop.js';

/** What one swaks run printed (its transcript) and its exit status (0: every step accepted). */
interface SwaksRun {
  readonly status: number;
  readonly transcript: string;
}

/** Sends one message with swaks; never rejects on swaks's own failure, so tests can assert it. */
function swaks(port: number, from: string, to: string): Promise<SwaksRun> {
  const args = [
    ...['--server', '127.0.0.1', '--port', String(port), '--helo', 'client.example'],
    ...['--from', from, '--to', to, '--timeout', '20'],
    ...['--header', 'Subject: from swaks', '--body', 'hello from swaks'],
  ];
  return new Promise((resolve) => {
    execFile('swaks', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ status, transcript: `${stdout}${stderr}` });
    });
  });
}

/** The messages in a user's Maildir, oldest first, as stored. */
async function stored(mail: MailFixture, user: string): Promise<string[]> {
  const box = await mail.store.maildir(user);
  const entries = await box.list();
  return Promise.all(entries.map((e) => readFile(join(box.root, 'cur', `${e.id}:2,`), 'latin1')));
}

test(
  'swaks can send to postmaster@ each local domain, in any case (RFC 5321 §4.5.1)',
  needs('swaks'),
  async () => {
    const mail = await startMail();
    try {
      for (const to of [
        'postmaster@example.test',
        'Postmaster@Example.Test',
        'POSTMASTER@localhost',
      ]) {
        const run = await swaks(mail.smtpPort, 'swaks@client.example', to);
        assert.equal(run.status, 0, run.transcript);
        assert.match(run.transcript, /-> RCPT TO:<[^>]+>\n<- {2}250 2\.1\.5 Ok\n/);
      }
      // Where <Postmaster> goes: no catch-all, nobody owns postmaster@, so the first user.
      assert.equal((await stored(mail, 'demo')).length, 3);
    } finally {
      await mail.stop();
    }
  },
);

test(
  'a message swaks sent starts with Return-Path: <its reverse path>, <> for a null sender, as POP3 shows',
  needs('swaks'),
  async () => {
    const mail = await startMail();
    try {
      for (const from of ['bounces+42@client.example', '<>']) {
        const run = await swaks(mail.smtpPort, from, 'demo@example.test');
        assert.equal(run.status, 0, run.transcript);
      }
      const [first, second] = await stored(mail, 'demo');
      assert.match(
        first!,
        /^Return-Path: <bounces\+42@client\.example>\r\nReceived: from client\.example /,
      );
      assert.match(second!, /^Return-Path: <>\r\nReceived: /);
      assert.equal(second!.match(/^Return-Path:/gm)?.length, 1);
      // POP3 counts the stored message, Return-Path: included, and sends it whole.
      const pop = await Pop3Client.connect('127.0.0.1', mail.pop3Port, { timeout: 5 });
      try {
        await pop.login('demo', 'demo');
        const listing = await pop.list();
        assert.equal(listing.length, 2);
        for (const [i, { number, value: size }] of listing.entries()) {
          const chunks: Buffer[] = [];
          for await (const chunk of await pop.retr(number)) chunks.push(chunk as Buffer);
          const message = Buffer.concat(chunks);
          assert.equal(message.toString('latin1'), [first, second][i]);
          assert.equal(size, message.length);
        }
        await pop.quit();
      } finally {
        pop.close();
      }
    } finally {
      await mail.stop();
    }
  },
);

test(
  'swaks can send to "demo"@example.test, the same mailbox as demo@example.test; what is not an address stays refused',
  needs('swaks'),
  async () => {
    const mail = await startMail();
    try {
      const quoted = await swaks(mail.smtpPort, 'swaks@client.example', '"demo"@example.test');
      assert.equal(quoted.status, 0, quoted.transcript);
      assert.match(quoted.transcript, /-> RCPT TO:<"demo"@example\.test>\n<- {2}250 2\.1\.5 Ok\n/);
      const [message] = await stored(mail, 'demo');
      assert.match(message!, /\tfor <"demo"@example\.test>; /);
      const unknown = await swaks(mail.smtpPort, 'swaks@client.example', '"de mo"@example.test');
      assert.notEqual(unknown.status, 0);
      assert.match(
        unknown.transcript,
        /<\*\* 550 5\.1\.1 <"de mo"@example\.test>: Recipient address rejected/,
      );
      const broken = await swaks(mail.smtpPort, 'swaks@client.example', '"demo@example.test');
      assert.notEqual(broken.status, 0);
      assert.match(broken.transcript, /<\*\* 501 5\.1\.3 /);
      assert.equal((await stored(mail, 'demo')).length, 1);
    } finally {
      await mail.stop();
    }
  },
);
