/** curl's SMTP and POP3 clients against polyport's servers, plain and with TLS (`-k`). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { serverTls, startMail } from '../protocols/mail/service-support.js';
import { needs } from '../support/interop.js';

/** Runs curl with the message on stdin; resolves with its stdout. */
function curl(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout, stderr) => {
      if (err) reject(new Error(`curl ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

const MESSAGE = 'Subject: from curl\r\n\r\nhello from curl\r\n.\r\nafter a lone dot\r\n';

test('curl uploads over smtp:// and lists and retrieves over pop3://', needs('curl'), async () => {
  const mail = await startMail();
  try {
    await curl(
      [
        `smtp://127.0.0.1:${mail.smtpPort}/client.example`,
        '--mail-from',
        'curl@client.example',
        '--mail-rcpt',
        'demo@example.test',
        '-T',
        '-',
      ],
      MESSAGE,
    );
    const base = `pop3://127.0.0.1:${mail.pop3Port}`;
    const list = await curl([base, '-u', 'demo:demo']);
    assert.match(list, /^1 \d+\r\n$/);
    const message = await curl([`${base}/1`, '-u', 'demo:demo']);
    assert.match(
      message,
      /^Return-Path: <curl@client\.example>\r\nReceived: from client\.example /,
    );
    assert.ok(message.endsWith(MESSAGE));
  } finally {
    await mail.stop();
  }
});

test(
  'curl uses STARTTLS for SMTP and STLS and pop3s:// for POP3 with -k',
  needs('curl'),
  async () => {
    const tls = await serverTls();
    const mail = await startMail({ smtp: { tls }, pop3: { tls, allowPlaintext: false } });
    const pop3s = await startMail({ pop3: { tls, implicitTls: true, allowPlaintext: false } });
    try {
      // The POP3S fixture's SMTP has no TLS: the message goes in plain there.
      for (const [target, tlsArgs] of [
        [mail, ['--ssl-reqd', '-k']],
        [pop3s, []],
      ] as const) {
        await curl(
          [
            `smtp://127.0.0.1:${target.smtpPort}`,
            ...tlsArgs,
            '--mail-from',
            'curl@client.example',
            '--mail-rcpt',
            'demo@example.test',
            '-T',
            '-',
          ],
          MESSAGE,
        );
      }
      const viaStls = await curl([
        `pop3://127.0.0.1:${mail.pop3Port}/1`,
        '--ssl-reqd',
        '-k',
        '-u',
        'demo:demo',
      ]);
      assert.ok(viaStls.endsWith(MESSAGE));
      const viaPop3s = await curl([
        `pop3s://127.0.0.1:${pop3s.pop3Port}/1`,
        '-k',
        '-u',
        'demo:demo',
      ]);
      assert.ok(viaPop3s.endsWith(MESSAGE));
    } finally {
      await mail.stop();
      await pop3s.stop();
    }
  },
);
