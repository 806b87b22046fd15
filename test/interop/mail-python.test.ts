/**
 * Python's smtplib and poplib against polyport's SMTP and POP3 servers: plain, STARTTLS/STLS,
 * and POP3_SSL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serverTls, startMail } from '../protocols/mail/service-support.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

/** Runs a Python snippet with the ports as argv[1..]; returns its stdout. */
async function python(script: string, ...args: Array<string | number>): Promise<string> {
  const { stdout } = await run('python3', ['-c', script, ...args.map(String)], { timeout: 30_000 });
  return stdout;
}

const SEND = `
import smtplib, ssl, sys
port, tls = int(sys.argv[1]), sys.argv[2] == 'tls'
s = smtplib.SMTP('127.0.0.1', port, timeout=10)
s.ehlo('python.example')
if tls:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s.starttls(context=ctx)
    s.ehlo('python.example')
    s.login('demo', 'demo')
refused = s.sendmail('py@python.example', ['demo@example.test', 'ghost@example.test'],
    b'Subject: from python\\r\\n\\r\\n.line with a dot\\r\\n\\xc3\\xa9t\\xc3\\xa9\\r\\n')
print(sorted(refused.items()))
s.quit()
`;

const FETCH = `
import poplib, ssl, sys
port, mode = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
if mode == 'ssl':
    p = poplib.POP3_SSL('127.0.0.1', port, context=ctx, timeout=10)
else:
    p = poplib.POP3('127.0.0.1', port, timeout=10)
    if mode == 'stls':
        p.stls(context=ctx)
p.user('demo'); p.pass_('demo')
count, size = p.stat()
resp, lines, octets = p.retr(count)
print(count, octets == sum(len(l) + 2 for l in lines))
print(repr(b'\\r\\n'.join(lines)))
p.dele(count)
p.quit()
`;

test(
  'smtplib sends and poplib retrieves a message with dot lines and 8-bit text',
  needs('python3'),
  async () => {
    const mail = await startMail();
    try {
      const sent = await python(SEND, mail.smtpPort, 'plain');
      assert.match(sent, /ghost@example\.test', \(550, b'5\.1\.1/);
      const fetched = await python(FETCH, mail.pop3Port, 'plain');
      const [first, body] = fetched.trim().split('\n');
      assert.equal(first, '1 True');
      assert.match(
        body!,
        /Subject: from python\\r\\n\\r\\n\.line with a dot\\r\\n\\xc3\\xa9t\\xc3\\xa9'$/,
      );
      assert.deepEqual(await (await mail.store.maildir('demo')).list(), []);
    } finally {
      await mail.stop();
    }
  },
);

test(
  'smtplib with STARTTLS and login, then poplib with STLS and with POP3_SSL',
  needs('python3'),
  async () => {
    const tls = await serverTls();
    const mail = await startMail({ smtp: { tls }, pop3: { tls, allowPlaintext: false } });
    const pop3s = await startMail({ pop3: { tls, implicitTls: true, allowPlaintext: false } });
    try {
      assert.match(await python(SEND, mail.smtpPort, 'tls'), /ghost/);
      const stls = await python(FETCH, mail.pop3Port, 'stls');
      assert.match(stls, /^1 True\n/);
      assert.match(await python(SEND, pop3s.smtpPort, 'plain'), /ghost/);
      assert.match(await python(FETCH, pop3s.pop3Port, 'ssl'), /^1 True\n/);
    } finally {
      await mail.stop();
      await pop3s.stop();
    }
  },
);
