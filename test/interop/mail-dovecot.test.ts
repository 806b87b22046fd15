/**
 * polyport's Pop3Client against Dovecot, the anchor for POP3 behaviour: a throwaway Dovecot in
 * a temp dir (passwd-file user, Maildir, loopback high port, no SSL), run in the foreground as a
 * child process. As root, the mail belongs to nobody and Dovecot drops to its own users; as anyone
 * else, Dovecot runs every service, and the mail, as that user: the test needs no root.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pop3Client, Pop3Error } from '../../src/protocols/mail/index.js';
import { AF_INET, SOCK_STREAM, Socket } from '../../src/socket/index.js';
import { needs } from '../support/interop.js';

const MESSAGE = 'From: a@example.test\r\nSubject: dove\r\n\r\n.dot line\r\nhello\r\n..two\r\n';
const NOBODY = 65534;
/** Root runs Dovecot as Dovecot is meant to run; anyone else runs it as themselves. */
const AS_ROOT = process.getuid?.() === 0;

/**
 * Config lines for a Dovecot started by someone other than root: its login and internal services
 * run as that user too (Dovecot refuses to start them as root, so as root they stay unset).
 */
function ownUserLines(): string {
  if (AS_ROOT) return '';
  const user = userInfo().username;
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  return `default_internal_user = ${user}\ndefault_internal_group = ${group}\ndefault_login_user = ${user}\n`;
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
  // The mail user: nobody under root (Dovecot will not serve mail as root), else ourselves.
  const uid = AS_ROOT ? NOBODY : userInfo().uid;
  const gid = AS_ROOT ? NOBODY : userInfo().gid;
  if (AS_ROOT) {
    for (const path of [
      join(dir, 'home'),
      home,
      maildir,
      ...['new', 'cur', 'tmp'].map((s) => join(maildir, s)),
    ]) {
      await chown(path, uid, gid);
    }
    for (const name of await readdir(join(maildir, 'new'))) {
      await chown(join(maildir, 'new', name), uid, gid);
    }
  }
  const port = await freePort();
  await writeFile(join(dir, 'passwd'), `demo:{PLAIN}demo:${uid}:${gid}::${home}::\n`);
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
${ownUserLines()}mail_location = maildir:~/Maildir
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

test('Pop3Client reads, lists and deletes mail on Dovecot', needs('dovecot'), async () => {
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
