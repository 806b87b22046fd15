/**
 * getmail6 against polyport's POP3 server: mail delivered over SMTP comes back into a Maildir
 * whole, with the envelope sender as its Return-Path (issue 16 item 3: getmail showed every
 * message "from <unknown>"), a null sender's bounce included.
 */
import assert from 'node:assert/strict';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SmtpClient } from '../../src/protocols/mail/index.js';
import { type MailFixture, startMail } from '../protocols/mail/service-support.js';
import { needs } from '../support/interop.js';
import { runClient } from './run-client.js';

/** The user getmail delivers as when this test runs as root, and its id (Debian's). */
const NOBODY = 'nobody';
const NOBODY_ID = 65534;

/** A message with a dot-stuffed line, a long body and 8-bit text: all must come back as sent. */
function message(subject: string): string {
  const lines = [
    `Subject: ${subject}`,
    'From: Sender <sender@client.example>',
    'To: demo@example.test',
    '',
  ];
  lines.push('.a line that SMTP dot-stuffs', 'caf\u00e9 in latin-1 bytes');
  for (let i = 0; i < 4000; i++) lines.push(`line ${i} ${'x'.repeat(60)}`);
  lines.push('.', 'the end');
  return `${lines.join('\r\n')}\r\n`;
}

/** Delivers one message to demo@example.test over SMTP with polyport's own client. */
async function deliver(mail: MailFixture, from: string, text: string): Promise<void> {
  const smtp = await SmtpClient.connect('127.0.0.1', mail.smtpPort, { timeout: 10 });
  try {
    await smtp.ehlo('client.example');
    await smtp.sendMail(from, ['demo@example.test'], Buffer.from(text, 'latin1'));
    await smtp.quit();
  } finally {
    smtp.close();
  }
}

/** Runs getmail once over POP3 into `maildir`; its exit status and what it printed. */
async function getmail(mail: MailFixture, dir: string, maildir: string) {
  // delivered_to/received off: the message is stored as POP3 sent it, plus getmail's own
  // Return-Path (from the message's, which is how getmail knows the sender).
  writeFileSync(
    join(dir, 'getmailrc'),
    [
      '[retriever]',
      'type = SimplePOP3Retriever',
      'server = 127.0.0.1',
      `port = ${mail.pop3Port}`,
      'username = demo',
      'password = demo',
      'timeout = 20',
      '[destination]',
      'type = Maildir',
      `path = ${maildir}/`,
      // getmail refuses to deliver as root (CI containers run as root): it delivers as nobody.
      ...(process.getuid?.() === 0 ? [`user = ${NOBODY}`] : []),
      '[options]',
      'verbose = 2',
      'read_all = true',
      'delete = false',
      'delivered_to = false',
      'received = false',
      '',
    ].join('\n'),
  );
  return runClient('getmail', ['--getmaildir', dir, '--rcfile', 'getmailrc'], {
    env: { HOME: dir },
  });
}

test(
  'getmail retrieves mail delivered over SMTP whole, with its Return-Path, <> for a bounce',
  needs('getmail'),
  async () => {
    const mail = await startMail();
    const dir = mkdtempSync(join(tmpdir(), 'polyport-getmail-'));
    const maildir = join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    if (process.getuid?.() === 0) {
      for (const path of [dir, maildir, ...['cur', 'new', 'tmp'].map((s) => join(maildir, s))]) {
        chownSync(path, NOBODY_ID, NOBODY_ID);
      }
    }
    try {
      const sent = [message('first'), message('a bounce')];
      await deliver(mail, 'bounces+7@client.example', sent[0]!);
      await deliver(mail, '', sent[1]!);
      const run = await getmail(mail, dir, maildir);
      assert.equal(run.code, 0, run.output);
      // getmail names the sender it found in Return-Path (it said "from <unknown>" without one).
      assert.match(
        run.output,
        /msg 1\/2 \(\d+ bytes\) from <bounces\+7@client\.example> delivered to Maildir/,
        run.output,
      );
      assert.doesNotMatch(run.output, /<unknown>/, run.output);
      assert.match(run.output, /2 messages \(\d+ bytes\) retrieved/, run.output);
      const box = await mail.store.maildir('demo');
      const ids = (await box.list()).map((e) => e.id);
      assert.equal(ids.length, 2);
      const files = readdirSync(join(maildir, 'new'));
      assert.equal(files.length, 2, run.output);
      const got = files.map((f) => readFileSync(join(maildir, 'new', f), 'latin1'));
      for (const [i, expectedSender] of ['<bounces+7@client.example>', '<>'].entries()) {
        const copy = got.find((m) => m.includes(`Subject: ${i === 0 ? 'first' : 'a bounce'}`));
        assert.ok(copy !== undefined, `message ${i} arrived`);
        assert.equal(
          copy.match(/^Return-Path:.*$/gm)?.join('\n'),
          `Return-Path: ${expectedSender}`,
        );
        // Whole: the body (after the header's blank line) is the one sent, byte for byte in
        // Maildir's newline convention, dot-stuffed lines and 8-bit text included.
        const body = sent[i]!.slice(sent[i]!.indexOf('\r\n\r\n') + 4).replace(/\r\n/g, '\n');
        assert.equal(copy.slice(copy.indexOf('\n\n') + 2), body);
        // And what polyport stored is what getmail saved, header and all.
        const stored = readFileSync(join(box.root, 'cur', `${ids[i]}:2,`), 'latin1');
        assert.equal(copy, stored.replace(/\r\n/g, '\n'));
      }
    } finally {
      await mail.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
