/**
 * SMTP faults on purpose, seen by Python's smtplib against `serve()`: a 451 at RCPT, a 554 at
 * the end of the data, a disconnect at MAIL and a delay before a reply. Each fault is a capture
 * event, the client sees exactly it, and the next attempt (no rule left) goes through.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Host, serve } from '../../../src/host/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const run = promisify(execFile);

/** Runs a Python snippet with `port` defined and smtplib imported; its printed lines. */
async function python(port: number, code: string): Promise<string[]> {
  const { stdout } = await run('python3', [
    '-c',
    `import smtplib, sys, time\nport = int(sys.argv[1])\n${code}`,
    String(port),
  ]);
  return stdout.trim().split('\n');
}

/** Sends one mail; prints `ok` or the smtplib exception's class name. */
const SEND = `
def send(subject):
    try:
        s = smtplib.SMTP('127.0.0.1', port, timeout=20)
        s.sendmail('app@client.test', ['anyone@anywhere.example'],
                   ('Subject: %s\\r\\n\\r\\nHello.\\r\\n' % subject).encode())
        s.quit()
        return 'ok'
    except smtplib.SMTPException as e:
        return type(e).__name__
`;

/** Every message file under the data directory's mailboxes (new/, cur/ and tmp/). */
function storedFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\/(new|cur|tmp)\//.test(full)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

describe('SMTP faults', { skip: needs('python3').skip }, () => {
  let host: Host;
  let port: number;
  const dataDir = tempDir();
  before(async () => {
    host = await serve({
      config: testConfig(
        [
          ...SERVICE_TABLES.filter((s) => s !== 'smtp').map((s) => `${s}.enabled=false`),
          'smtp.acceptAll=true',
        ],
        dataDir,
      ),
      logger: memoryLogger().logger,
    });
    port = portOf(host, 'smtp');
  });
  after(() => host.stop(1000));
  beforeEach(() => host.faults.clear());

  test('451 at RCPT once: smtplib raises SMTPRecipientsRefused, the retry is delivered once', async () => {
    const since = host.capture.lastId;
    const rule = host.faults.add({
      service: 'smtp',
      match: { command: 'RCPT' },
      action: { reply: '451 4.3.0 try again later' },
      times: 1,
    });
    const out = await python(
      port,
      `${SEND}
try:
    s = smtplib.SMTP('127.0.0.1', port, timeout=20)
    s.sendmail('app@client.test', ['anyone@anywhere.example'], b'Subject: r1\\r\\n\\r\\nHi.\\r\\n')
    print('sent')
except smtplib.SMTPRecipientsRefused as e:
    print('refused', *e.recipients['anyone@anywhere.example'])
s.quit()
print(send('r1'))`,
    );
    assert.deepEqual(out, ["refused 451 b'4.3.0 try again later'", 'ok']);
    const messages = host.capture.list({ service: 'smtp', kind: 'message', sinceId: since });
    assert.equal(messages.length, 1, 'delivered once');
    assert.equal(messages[0]!.subject, 'r1');
    const faults = host.capture.list({ service: 'smtp', kind: 'fault', sinceId: since });
    assert.equal(faults.length, 1);
    assert.equal(faults[0]!.rule, rule.id);
    assert.equal(faults[0]!.command, 'RCPT');
    assert.deepEqual(faults[0]!.action, { reply: '451 4.3.0 try again later' });
  });

  test('554 at the end of the data: SMTPDataError and nothing stored; the retry is stored', async () => {
    const since = host.capture.lastId;
    const before = storedFiles(dataDir).length;
    host.faults.add({
      service: 'smtp',
      match: { command: '.' },
      action: { reply: '554 5.6.0 refused on purpose' },
      times: 1,
    });
    const out = await python(
      port,
      `${SEND}
try:
    s = smtplib.SMTP('127.0.0.1', port, timeout=20)
    s.sendmail('app@client.test', ['anyone@anywhere.example'], b'Subject: d1\\r\\n\\r\\nHi.\\r\\n')
    print('sent')
except smtplib.SMTPDataError as e:
    print('data error', e.smtp_code, e.smtp_error.decode())
    s.quit()`,
    );
    assert.deepEqual(out, ['data error 554 5.6.0 refused on purpose']);
    assert.equal(storedFiles(dataDir).length, before, 'nothing stored, not even in tmp/');
    assert.equal(host.capture.list({ service: 'smtp', kind: 'message', sinceId: since }).length, 0);
    const [fault] = host.capture.list({ service: 'smtp', kind: 'fault', sinceId: since });
    assert.equal(fault?.command, '.');
    assert.deepEqual(await python(port, `${SEND}\nprint(send('d2'))`), ['ok']);
    assert.equal(storedFiles(dataDir).length, before + 1);
  });

  test('a 354 replaced at DATA: smtplib raises SMTPDataError before sending the message', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'smtp',
      match: { command: 'DATA' },
      action: { reply: '451 4.3.0 not now' },
      times: 1,
    });
    const before = storedFiles(dataDir).length;
    assert.deepEqual(await python(port, `${SEND}\nprint(send('x1'))\nprint(send('x2'))`), [
      'SMTPDataError',
      'ok',
    ]);
    assert.equal(storedFiles(dataDir).length, before + 1);
    const faults = host.capture.list({ service: 'smtp', kind: 'fault', sinceId: since });
    assert.deepEqual(
      faults.map((f) => f.command),
      ['DATA'],
    );
  });

  test('a seeded probability refuses the same RCPTs run after run', async () => {
    const attempts = async (): Promise<string[]> => {
      host.faults.clear();
      host.faults.add({
        service: 'smtp',
        match: { command: 'RCPT' },
        action: { reply: '451 4.3.0 try again later' },
        probability: 0.5,
        seed: 7,
      });
      return python(port, `${SEND}\nfor i in range(8): print(send('p%d' % i))`);
    };
    const first = await attempts();
    // mulberry32 seeded with 7 draws below 0.5 at the 1st, 2nd, 6th, 7th and 8th RCPT.
    const R = 'SMTPRecipientsRefused';
    assert.deepEqual(first, [R, R, 'ok', 'ok', 'ok', R, R, R]);
    assert.deepEqual(await attempts(), first, 'the same seed faults the same attempts');
  });

  test('disconnect at MAIL: SMTPServerDisconnected, and the next connection is served', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'smtp',
      match: { command: 'MAIL' },
      action: { disconnect: true },
      times: 1,
    });
    assert.deepEqual(await python(port, `${SEND}\nprint(send('c1'))\nprint(send('c2'))`), [
      'SMTPServerDisconnected',
      'ok',
    ]);
    const [fault] = host.capture.list({ service: 'smtp', kind: 'fault', sinceId: since });
    assert.deepEqual(fault?.action, { disconnect: true });
    const opens = host.capture.list({ service: 'smtp', kind: 'open', sinceId: since });
    assert.equal(opens.length, 2);
    for (const { peer } of opens) {
      // Both connections end, the faulted one too (the server keeps nothing of it).
      await host.waitFor((e) => e.service === 'smtp' && e.kind === 'close' && e.peer === peer, {
        sinceId: since,
      });
    }
  });

  test('a delay before the reply to MAIL: the 250 comes after it, and others are served meanwhile', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'smtp',
      match: { command: 'MAIL' },
      action: { delay: 1500 },
      times: 1,
    });
    const slow = python(
      port,
      `s = smtplib.SMTP('127.0.0.1', port, timeout=20)
s.ehlo('slow.example')
t = time.monotonic()
code, _ = s.mail('slow@client.test')
print(code, round((time.monotonic() - t) * 1000))
s.quit()`,
    );
    await host.waitFor((e) => e.service === 'smtp' && e.kind === 'fault', { sinceId: since });
    // While that MAIL waits, another client sends a whole mail.
    assert.deepEqual(await python(port, `${SEND}\nprint(send('meanwhile'))`), ['ok']);
    const [code, waited] = (await slow)[0]!.split(' ');
    assert.equal(code, '250');
    assert.ok(Number(waited) >= 1500, `the reply came ${waited} ms after MAIL`);
  });
});
