/**
 * POP3 faults on purpose, seen by Python's poplib (and a bare socket, to count the bytes of a
 * cut RETR) against `serve()`: an `-ERR` instead of an answer, a delay, a disconnect, and a
 * RETR cut mid-message. Each fault is a capture event; after it the mailbox is unlocked, no
 * message is deleted, and the next attempt works.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, beforeEach, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Host, serve } from '../../../src/host/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const run = promisify(execFile);

/** Runs a Python snippet with `port` (POP3) and `smtp` defined; its printed lines. */
async function python(ports: readonly number[], code: string): Promise<string[]> {
  const { stdout } = await run('python3', [
    '-c',
    `import poplib, smtplib, socket, sys, time\nport, smtp = int(sys.argv[1]), int(sys.argv[2])\n${code}`,
    ...ports.map(String),
  ]);
  return stdout.trim().split('\n');
}

/** `login()` as demo, `text()` of a poplib error, `ours()`: whether message n is one sent here. */
const LOGIN = `
def login():
    p = poplib.POP3('127.0.0.1', port, timeout=20)
    p.user('demo'); p.pass_('demo')
    return p
def text(e):
    return e.args[0].decode() if isinstance(e.args[0], bytes) else e.args[0]
def ours(p, n):
    return any(line.startswith(b'Subject: m') for line in p.retr(n)[1])
`;

describe('POP3 faults', { skip: needs('python3').skip }, () => {
  let host: Host;
  let ports: number[];
  /** Messages in demo's mailbox (the samples and two sent here, the last two). */
  let total: number;
  before(async () => {
    const on = ['smtp', 'pop3'];
    host = await serve({
      config: testConfig([
        ...SERVICE_TABLES.filter((s) => !on.includes(s)).map((s) => `${s}.enabled=false`),
        'smtp.acceptAll=true',
      ]),
      logger: memoryLogger().logger,
    });
    ports = [portOf(host, 'pop3'), portOf(host, 'smtp')];
    // Two messages for demo, each longer than the cut below.
    const [count] = await python(
      ports,
      `s = smtplib.SMTP('127.0.0.1', smtp, timeout=20)
for n in (1, 2):
    s.sendmail('app@client.test', ['demo@example.test'], ('Subject: m%d\\r\\n\\r\\n' % n + 'line\\r\\n' * 50).encode())
s.quit()
p = poplib.POP3('127.0.0.1', port, timeout=20)
p.user('demo'); p.pass_('demo')
print(p.stat()[0])
p.quit()`,
    );
    total = Number(count);
  });
  after(() => host.stop(1000));
  beforeEach(() => host.faults.clear());

  test('-ERR at RETR once: poplib raises error_proto with it, the RETR after it works', async () => {
    const since = host.capture.lastId;
    const rule = host.faults.add({
      service: 'pop3',
      match: { command: 'RETR', user: 'demo' },
      action: { reply: '-ERR [SYS/TEMP] try again later' },
      times: 1,
    });
    const out = await python(
      ports,
      `${LOGIN}
p = login()
try:
    p.retr(${total})
    print('retrieved')
except poplib.error_proto as e:
    print('error', text(e))
print(ours(p, ${total}))
p.quit()`,
    );
    assert.deepEqual(out, ['error -ERR [SYS/TEMP] try again later', 'True']);
    const [fault] = host.capture.list({ service: 'pop3', kind: 'fault', sinceId: since });
    assert.equal(fault?.rule, rule.id);
    assert.equal(fault?.command, 'RETR');
    assert.equal(fault?.user, 'demo');
  });

  test('a delay before the answer to STAT: it comes after the delay', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'pop3',
      match: { command: 'STAT' },
      action: { delay: 1000 },
      times: 1,
    });
    const out = await python(
      ports,
      `${LOGIN}
p = login()
t = time.monotonic()
count, _ = p.stat()
print(count, round((time.monotonic() - t) * 1000))
print(p.stat()[0])
p.quit()`,
    );
    const [count, waited] = out[0]!.split(' ');
    assert.equal(Number(count), total);
    assert.ok(Number(waited) >= 1000, `STAT answered ${waited} ms after it was sent`);
    assert.equal(Number(out[1]), total, 'the next STAT is answered');
    const [fault] = host.capture.list({ service: 'pop3', kind: 'fault', sinceId: since });
    assert.deepEqual(fault?.action, { delay: 1000 });
    assert.equal(fault?.user, 'demo');
  });

  test('disconnect at LIST: poplib sees EOF; the lock is released and nothing deleted', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'pop3',
      match: { command: 'LIST' },
      action: { disconnect: true },
      times: 1,
    });
    const out = await python(
      ports,
      `${LOGIN}
p = login()
p.dele(1)
try:
    p.list()
    print('listed')
except poplib.error_proto as e:
    print('error', text(e))
p = login()
print(p.stat()[0])
p.quit()`,
    );
    assert.deepEqual(out, ['error -ERR EOF', String(total)]);
    const [fault] = host.capture.list({ service: 'pop3', kind: 'fault', sinceId: since });
    assert.deepEqual(fault?.action, { disconnect: true });
  });

  test('cutAfter at RETR: exactly that many bytes of the message, then the connection closes; nothing deleted', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'pop3',
      match: { command: 'RETR' },
      action: { cutAfter: 100 },
      times: 1,
    });
    const out = await python(
      ports,
      `${LOGIN}
c = socket.create_connection(('127.0.0.1', port), timeout=20)
f = c.makefile('rb')
f.readline()
for line in (b'USER demo', b'PASS demo', b'DELE 1'):
    c.sendall(line + b'\\r\\n'); f.readline()
c.sendall(b'RETR ${total}\\r\\n')
print(f.readline().split()[0].decode())
print(len(f.read()))
c.close()
p = login()
print(p.stat()[0])
print(ours(p, ${total}))
p.quit()`,
    );
    assert.deepEqual(out, ['+OK', '100', String(total), 'True']);
    const [fault] = host.capture.list({ service: 'pop3', kind: 'fault', sinceId: since });
    assert.deepEqual(fault?.action, { cutAfter: 100 });
  });
});
