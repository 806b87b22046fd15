/**
 * polyport's Pop3Client against Dovecot, the anchor for POP3 behaviour: a throwaway Dovecot in
 * a temp dir (passwd-file user, Maildir, loopback high port, no SSL), run in the foreground as a
 * child process. Dovecot's master must start as root; elsewhere the test is skipped.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pop3Client, Pop3Error } from '../../src/protocols/mail/index.js';
import { AF_INET, SOCK_STREAM, Socket } from '../../src/socket/index.js';
import { needs } from '../support/interop.js';

const MESSAGE = 'From: a@example.test\r\nSubject: dove\r\n\r\n.dot line\r\nhello\r\n..two\r\n';
const NOBODY = 65534;

function requirements(): { skip?: string } {
  const tool = needs('dovecot');
  if (tool.skip !== undefined) return tool;
  if (process.getuid?.() !== 0) return { skip: "Dovecot's master process must start as root" };
  return {};
}

async function freePort(): Promise<number> {
  const sock = new Socket(AF_INET, SOCK_STREAM);
  await sock.bind(['127.0.0.1', 0]);
  const [, port] = sock.getsockname() as [string, number];
  sock.close();
  return port;
}

async function startDovecot(): Promise<{ port: number; maildir: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'polyport-dovecot-'));
  await chmod(dir, 0o755);
  const home = join(dir, 'home', 'demo');
  const maildir = join(home, 'Maildir');
  for (const sub of ['new', 'cur', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  await writeFile(join(maildir, 'new', '1700000000.M1P1Q1.test'), MESSAGE);
  await writeFile(join(maildir, 'new', '1700000001.M1P1Q2.test'), 'Subject: second\r\n\r\nx\r\n');
  for (const path of [
    join(dir, 'home'),
    home,
    maildir,
    ...['new', 'cur', 'tmp'].map((s) => join(maildir, s)),
  ]) {
    await chown(path, NOBODY, NOBODY);
  }
  for (const name of await readdir(join(maildir, 'new'))) {
    await chown(join(maildir, 'new', name), NOBODY, NOBODY);
  }
  const port = await freePort();
  await writeFile(join(dir, 'passwd'), `demo:{PLAIN}demo:${NOBODY}:${NOBODY}::${home}::\n`);
  const config = `
protocols = pop3
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = ${port}
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap-login {
  chroot =
}
service anvil {
  chroot =
}
`;
  await writeFile(join(dir, 'dovecot.conf'), config);
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Wait until it accepts connections.
  for (let i = 0; ; i++) {
    const probe = new Socket(AF_INET, SOCK_STREAM);
    try {
      await probe.connect(['127.0.0.1', port]);
      probe.close();
      break;
    } catch (err) {
      probe.close();
      if (i > 100 || child.exitCode !== null) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    maildir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

test('Pop3Client reads, lists and deletes mail on Dovecot', requirements(), async () => {
  const dovecot = await startDovecot();
  try {
    const pop = await Pop3Client.connect('127.0.0.1', dovecot.port, { timeout: 10 });
    assert.match(pop.greeting, /Dovecot/);
    const caps = await pop.capa();
    assert.ok(caps.top && caps.uidl && caps.user);
    assert.deepEqual(caps.saslMechanisms, ['PLAIN']);
    await assert.rejects(pop.login('demo', 'wrong'), (err: unknown) => {
      return err instanceof Pop3Error && err.responseCode === 'AUTH';
    });
    await pop.login('demo', 'demo', 'PLAIN');
    const stat = await pop.stat();
    assert.equal(stat.count, 2);
    const list = await pop.list();
    assert.deepEqual(
      list.map((m) => m.number),
      [1, 2],
    );
    assert.equal(list[0]!.value, Buffer.byteLength(MESSAGE));
    assert.equal((await pop.uidl()).length, 2);
    const parts: Buffer[] = [];
    for await (const chunk of await pop.retr(1)) parts.push(chunk as Buffer);
    assert.equal(Buffer.concat(parts).toString('latin1'), MESSAGE);
    assert.equal(
      (await pop.top(1, 1)).toString('latin1'),
      'From: a@example.test\r\nSubject: dove\r\n\r\n.dot line\r\n',
    );
    await assert.rejects(pop.retr(9), Pop3Error);
    await pop.dele(2);
    await pop.rset();
    await pop.dele(1);
    await pop.noop();
    await pop.quit();

    const again = await Pop3Client.connect('127.0.0.1', dovecot.port, { timeout: 10 });
    await again.login('demo', 'demo');
    assert.equal((await again.stat()).count, 1);
    assert.match((await again.top(1, 0)).toString('latin1'), /^Subject: second\r\n/);
    // Dropped without QUIT: Dovecot, like polyport, deletes nothing.
    await again.dele(1);
    again.close();
    const third = await Pop3Client.connect('127.0.0.1', dovecot.port, { timeout: 10 });
    await third.login('demo', 'demo');
    assert.equal((await third.stat()).count, 1);
    await third.quit();
  } finally {
    await dovecot.stop();
  }
});
