/**
 * msmtp against polyport's SMTP server: STARTTLS, then AUTH PLAIN, then one message delivered
 * into the Maildir with its Return-Path. Without TLS, AUTH is not offered and msmtp will not send
 * the password; a wrong password gets 535.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type MailFixture, serverTls, startMail } from '../protocols/mail/service-support.js';
import { needs } from '../support/interop.js';
import { runClient } from './run-client.js';

const msmtp = needs('msmtp');

const MESSAGE = [
  'From: Demo <demo@example.test>',
  'To: demo@example.test',
  'Subject: from msmtp',
  '',
  'hello from msmtp',
  '.a dot-stuffed line',
  '',
].join('\n');

/** Sends MESSAGE with msmtp, no config file but the given options; its status and session. */
function send(mail: MailFixture, dir: string, options: readonly string[]) {
  // An empty config file: nothing from the machine's /etc/msmtprc or ~/.msmtprc applies.
  const config = join(dir, 'msmtprc');
  writeFileSync(config, '');
  return runClient(
    'msmtp',
    [
      `--file=${config}`,
      '--debug',
      '--host=127.0.0.1',
      `--port=${mail.smtpPort}`,
      '--domain=client.example',
      '--from=demo@example.test',
      '--timeout=20',
      ...options,
      '--',
      'demo@example.test',
    ],
    { input: MESSAGE, env: { HOME: dir } },
  );
}

/** The messages in demo's Maildir, oldest first, as stored. */
async function stored(mail: MailFixture): Promise<string[]> {
  const box = await mail.store.maildir('demo');
  return (await box.list()).map((e) => readFileSync(join(box.root, 'cur', `${e.id}:2,`), 'latin1'));
}

test('msmtp delivers one message over STARTTLS with AUTH PLAIN', msmtp, async () => {
  const tls = await serverTls();
  const mail = await startMail({ smtp: { tls } });
  const dir = mkdtempSync(join(tmpdir(), 'polyport-msmtp-'));
  try {
    const run = await send(mail, dir, [
      ...['--tls=on', '--tls-starttls=on', '--tls-certcheck=off'],
      ...['--auth=plain', '--user=demo', '--passwordeval=echo demo'],
    ]);
    assert.equal(run.code, 0, run.output);
    // The order msmtp took: EHLO, STARTTLS, EHLO again over TLS, then AUTH PLAIN.
    assert.match(
      run.output,
      /--> STARTTLS[\s\S]*<-- 220[\s\S]*TLS session parameters[\s\S]*--> EHLO client\.example[\s\S]*--> AUTH PLAIN/,
      run.output,
    );
    assert.match(run.output, /<-- 235 /, run.output);
    const [message, ...rest] = await stored(mail);
    assert.equal(rest.length, 0);
    assert.match(message!, /^Return-Path: <demo@example\.test>\r\nReceived: from client\.example /);
    assert.ok(
      message!.endsWith('Subject: from msmtp\r\n\r\nhello from msmtp\r\n.a dot-stuffed line\r\n'),
      message,
    );
    // The Received line says the message came over TLS, authenticated.
    assert.match(message!, /with ESMTPSA/);
  } finally {
    await mail.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'msmtp gets no AUTH without TLS and 535 for a wrong password; nothing is delivered',
  msmtp,
  async () => {
    const tls = await serverTls();
    const mail = await startMail({ smtp: { tls } });
    const dir = mkdtempSync(join(tmpdir(), 'polyport-msmtp-'));
    try {
      const plain = await send(mail, dir, [
        '--tls=off',
        '--auth=plain',
        '--user=demo',
        '--passwordeval=echo demo',
      ]);
      assert.notEqual(plain.code, 0, plain.output);
      assert.doesNotMatch(plain.output, /--> AUTH/, plain.output);
      const wrong = await send(mail, dir, [
        ...['--tls=on', '--tls-starttls=on', '--tls-certcheck=off'],
        ...['--auth=plain', '--user=demo', '--passwordeval=echo wrong'],
      ]);
      assert.notEqual(wrong.code, 0, wrong.output);
      assert.match(wrong.output, /<-- 535 5\.7\.8/, wrong.output);
      assert.equal((await stored(mail)).length, 0);
    } finally {
      await mail.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
