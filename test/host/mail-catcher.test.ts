/**
 * The mail catcher from the config: `smtp.acceptAll` and `smtp.acceptAnyAuth` with Python's
 * smtplib and poplib against `serve()`, and the keys refused off loopback unless
 * `smtp.catcherOffLoopback` says so.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { effectiveConfig, serve, tryEffectiveConfig } from '../../src/host/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

/**
 * Sends one message per AUTH variant (LOGIN with and without an initial response, PLAIN) to a
 * recipient in a foreign domain and a local one, then lists the subjects POP3 shows `demo`.
 */
const CATCH = `
import poplib, smtplib, ssl, sys
smtp_port, pop3_port = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
for mech, initial in (('LOGIN', True), ('LOGIN', False), ('PLAIN', True)):
    s = smtplib.SMTP('127.0.0.1', smtp_port, timeout=10)
    s.starttls(context=ctx)
    s.ehlo('python.example')
    if mech == 'LOGIN' and initial:
        print(s.esmtp_features['auth'].strip())
    s.user, s.password = 'app-%s-%s@prod.example' % (mech.lower(), initial), 'hunter2'
    code, _ = s.auth(mech, getattr(s, 'auth_' + mech.lower()), initial_response_ok=initial)
    subject = 'caught %s %s' % (mech, initial)
    refused = s.sendmail('app@client.test', ['anyone@anywhere.example', 'demo@example.test'],
        ('Subject: %s\\r\\n\\r\\nHello.\\r\\n' % subject).encode())
    print(code, refused)
    s.quit()
p = poplib.POP3('127.0.0.1', pop3_port, timeout=10)
p.user('demo'); p.pass_('demo')
count, _ = p.stat()
for i in range(1, count + 1):
    for line in p.top(i, 0)[1]:
        if line.startswith(b'Subject: caught'):
            print(line.decode())
p.quit()
`;

test(
  'smtp.acceptAll and acceptAnyAuth: smtplib logs in with any credentials (LOGIN, PLAIN), mails anyone@anywhere.example, poplib reads it as demo',
  needs('python3'),
  async () => {
    const others = SERVICE_TABLES.filter((s) => s !== 'smtp' && s !== 'pop3');
    const config = testConfig([
      ...others.map((s) => `${s}.enabled=false`),
      'smtp.acceptAll=true',
      'smtp.acceptAnyAuth=true',
    ]);
    const { logger, records } = memoryLogger();
    const host = await serve({ config, logger });
    try {
      const { stdout } = await run(
        'python3',
        ['-c', CATCH, String(portOf(host, 'smtp')), String(portOf(host, 'pop3'))],
        { timeout: 30_000 },
      );
      assert.deepEqual(stdout.trim().split('\n'), [
        'PLAIN LOGIN',
        '235 {}',
        '235 {}',
        '235 {}',
        'Subject: caught LOGIN True',
        'Subject: caught LOGIN False',
        'Subject: caught PLAIN True',
      ]);
      const logged = JSON.stringify(records);
      for (const user of ['app-login-True', 'app-login-False', 'app-plain-True']) {
        assert.ok(logged.includes(`${user}@prod.example`), `${user} is logged`);
      }
      assert.ok(!logged.includes('hunter2'), 'the password is not logged');
    } finally {
      await host.stop(1000);
    }
  },
);

/** The issue messages for a config given as `--set` lines. */
function refusals(sets: string[]): string[] {
  const result = tryEffectiveConfig({}, { sets });
  return result.ok ? [] : result.issues.map((i) => i.message);
}

test('the catcher keys are off by default and refused off loopback unless smtp.catcherOffLoopback is set', () => {
  const defaults = effectiveConfig({});
  assert.equal(defaults.smtp.acceptAll, false);
  assert.equal(defaults.smtp.acceptAnyAuth, false);
  assert.equal(defaults.smtp.catcherOffLoopback, false);
  assert.deepEqual(
    refusals(['smtp.address=0.0.0.0', 'smtp.acceptAll=true', 'smtp.acceptAnyAuth=true']),
    ['acceptAll', 'acceptAnyAuth'].map(
      (key) =>
        `config: smtp.${key} = true: expected false while smtp.address (0.0.0.0) is not loopback, or smtp.catcherOffLoopback = true to allow it there`,
    ),
  );
  const explicit = [
    'smtp.address=0.0.0.0',
    'smtp.acceptAll=true',
    'smtp.acceptAnyAuth=true',
    'smtp.catcherOffLoopback=true',
  ];
  assert.equal(effectiveConfig({}, { sets: explicit }).smtp.acceptAll, true);
  for (const ok of [
    ['smtp.address=::1', 'smtp.acceptAll=true', 'smtp.acceptAnyAuth=true'],
    ['smtp.address=0.0.0.0', 'smtp.enabled=false', 'smtp.acceptAll=true'],
  ]) {
    assert.equal(tryEffectiveConfig({}, { sets: ok }).ok, true, ok.join(' '));
  }
});
