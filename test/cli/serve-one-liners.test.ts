/**
 * `polyport serve http|ftp|smtp|dns …`: the real command line in a child process, with real
 * clients (curl, Python's ftplib, smtplib and poplib, dig) against what it serves.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { type CliProcess, portFromListing, runCli, startCli } from '../support/cli.js';
import { tempDir } from '../support/host.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

/**
 * Starts `polyport serve ...args` on free ports (the admin listener's too, so parallel tests do
 * not collide) with its data in a temp folder (unless `env` is given: then where it says), and
 * waits for its listing.
 */
async function serveOne(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliProcess> {
  const data = options.env === undefined ? ['--set', `dataDir=${tempDir()}`] : [];
  const proc = startCli(['serve', ...args, '--port', '0', '--set', 'admin.port=0', ...data], {
    cwd: options.cwd ?? tempDir(),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  try {
    await proc.waitFor(/Press Ctrl-C to stop\./, 60);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  return proc;
}

/** Stops the one-liner with SIGTERM, as a user's Ctrl-C would, and checks it exits 0. */
async function stop(proc: CliProcess): Promise<void> {
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
  const code = await proc.exited;
  clearTimeout(timer);
  assert.equal(code, 0, proc.stderr);
}

/** The services of the listing (it has one row per service). */
function listed(stdout: string): string[] {
  const table = stdout.split('\n').slice(2);
  return table.flatMap((line) => /^ {2}(\S+)\s+tcp/.exec(line)?.[1] ?? []);
}

test(
  'serve http DIR serves that folder alone (with the admin listener), and curl fetches a file of it',
  needs('curl'),
  async () => {
    const site = tempDir();
    writeFileSync(join(site, 'hello.txt'), 'hello from the one-liner\n');
    const proc = await serveOne(['http', site]);
    try {
      assert.deepEqual(listed(proc.stdout).sort(), ['admin', 'http']);
      const port = portFromListing(proc.stdout, 'http');
      assert.match(
        proc.stdout,
        new RegExp(`^Serving ${site} at http://127\\.0\\.0\\.1:${port}/$`, 'm'),
      );
      const { stdout } = await run('curl', ['-sS', '--fail', `http://127.0.0.1:${port}/hello.txt`]);
      assert.equal(stdout, 'hello from the one-liner\n');
    } finally {
      await stop(proc);
    }
  },
);

test(
  'serve http without DIR serves the current directory, and keeps its data in the cache folder, not there',
  needs('curl'),
  async () => {
    const site = tempDir();
    const cache = tempDir();
    writeFileSync(join(site, 'index.html'), '<p>here</p>\n');
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    const proc = await serveOne(['http'], { cwd: site, env });
    try {
      assert.match(proc.stdout, new RegExp(`: 2 services, data in ${cache}/polyport$`, 'm'));
      const port = portFromListing(proc.stdout, 'http');
      const { stdout } = await run('curl', ['-sS', '--fail', `http://127.0.0.1:${port}/`]);
      assert.equal(stdout, '<p>here</p>\n');
    } finally {
      await stop(proc);
    }
    assert.equal(existsSync(join(site, 'polyport-data')), false);
  },
);

/**
 * Logs in to FTP as argv[2] (password argv[3]), lists the root, then tries to upload
 * `upload.txt`; prints the listing and the upload's reply (or its error).
 */
const FTP = `
import ftplib, io, sys
ftp = ftplib.FTP()
ftp.connect('127.0.0.1', int(sys.argv[1]), timeout=10)
ftp.login(sys.argv[2], sys.argv[3])
print(sorted(ftp.nlst()))
try:
    print(ftp.storbinary('STOR upload.txt', io.BytesIO(b'uploaded\\n')))
except ftplib.error_perm as e:
    print(e)
ftp.quit()
`;

async function ftpSession(port: number, user: string, password: string): Promise<string[]> {
  const { stdout } = await run('python3', ['-c', FTP, String(port), user, password], {
    timeout: 30_000,
  });
  return stdout.trim().split('\n');
}

test(
  'serve ftp DIR gives anonymous users a read-only listing: ftplib lists, its upload gets 550, and the sample user cannot write either',
  needs('python3'),
  async () => {
    const share = tempDir();
    writeFileSync(join(share, 'readme.txt'), 'read me\n');
    const proc = await serveOne(['ftp', share]);
    try {
      assert.deepEqual(listed(proc.stdout).sort(), ['admin', 'ftp']);
      const port = portFromListing(proc.stdout, 'ftp');
      assert.match(
        proc.stdout,
        new RegExp(
          `^Serving ${share} at ftp://127\\.0\\.0\\.1:${port}/ \\(anonymous, read-only\\)$`,
          'm',
        ),
      );
      assert.deepEqual(await ftpSession(port, 'anonymous', 'me@example.test'), [
        "['readme.txt']",
        '550 Permission denied.',
      ]);
      assert.deepEqual(await ftpSession(port, 'demo', 'demo'), [
        "['readme.txt']",
        '550 Permission denied.',
      ]);
    } finally {
      await stop(proc);
    }
    assert.equal(existsSync(join(share, 'upload.txt')), false);
  },
);

test(
  'serve ftp DIR --write lets ftplib upload anonymously into DIR',
  needs('python3'),
  async () => {
    const share = tempDir();
    const proc = await serveOne(['ftp', share, '--write']);
    try {
      const port = portFromListing(proc.stdout, 'ftp');
      assert.match(proc.stdout, /\(anonymous, read-write\)$/m);
      assert.deepEqual(await ftpSession(port, 'anonymous', 'me@example.test'), [
        '[]',
        '226 Transfer complete.',
      ]);
    } finally {
      await stop(proc);
    }
    assert.equal(readFileSync(join(share, 'upload.txt'), 'utf8'), 'uploaded\n');
  },
);

/** Sends one message to a foreign address over SMTP, then prints the subjects POP3 shows demo. */
const CATCH = `
import poplib, smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
print(s.sendmail('app@client.test', ['anyone@anywhere.example'],
    b'Subject: caught by the one-liner\\r\\n\\r\\nHello.\\r\\n'))
s.quit()
p = poplib.POP3('127.0.0.1', int(sys.argv[2]), timeout=10)
p.user('demo'); p.pass_('demo')
count, _ = p.stat()
for i in range(1, count + 1):
    for line in p.top(i, 0)[1]:
        if line.startswith(b'Subject: caught'):
            print(line.decode())
p.quit()
`;

test(
  'serve smtp --accept-all runs SMTP and POP3: smtplib mails anyone@anywhere.example and poplib reads it back as demo',
  needs('python3'),
  async () => {
    const proc = await serveOne(['smtp', '--accept-all', '--set', 'pop3.port=0']);
    try {
      assert.deepEqual(listed(proc.stdout).sort(), ['admin', 'pop3', 'smtp']);
      const smtp = portFromListing(proc.stdout, 'smtp');
      const pop3 = portFromListing(proc.stdout, 'pop3');
      assert.match(
        proc.stdout,
        new RegExp(
          `^Taking mail for every address at smtp://127\\.0\\.0\\.1:${smtp}; read it over POP3 at 127\\.0\\.0\\.1:${pop3} as demo \\(password demo\\)$`,
          'm',
        ),
      );
      const { stdout } = await run('python3', ['-c', CATCH, String(smtp), String(pop3)], {
        timeout: 30_000,
      });
      assert.deepEqual(stdout.trim().split('\n'), ['{}', 'Subject: caught by the one-liner']);
    } finally {
      await stop(proc);
    }
  },
);

test(
  'serve smtp without --accept-all refuses a recipient in another domain (554, no relaying)',
  needs('python3'),
  async () => {
    const proc = await serveOne(['smtp', '--set', 'pop3.port=0']);
    try {
      const smtp = portFromListing(proc.stdout, 'smtp');
      const script = `
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)
try:
    s.sendmail('app@client.test', ['anyone@anywhere.example'], b'Subject: x\\r\\n\\r\\nx\\r\\n')
except smtplib.SMTPRecipientsRefused as e:
    print(e.recipients['anyone@anywhere.example'][0])
s.quit()
`;
      const { stdout } = await run('python3', ['-c', script, String(smtp)], { timeout: 30_000 });
      assert.equal(stdout.trim(), '554');
    } finally {
      await stop(proc);
    }
  },
);

test('serve dns ZONEFILE answers dig from that zone file', needs('dig'), async () => {
  const dir = tempDir();
  const zone = join(dir, 'lab.test.zone');
  writeFileSync(
    zone,
    '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 127.0.0.1\nwww A 192.0.2.44\n',
  );
  const proc = await serveOne(['dns', 'lab.test.zone'], { cwd: dir });
  try {
    assert.deepEqual(listed(proc.stdout).sort(), ['admin', 'dns']);
    const port = portFromListing(proc.stdout, 'dns', 'udp');
    assert.match(
      proc.stdout,
      new RegExp(
        `^Answering from lab\\.test\\.zone at 127\\.0\\.0\\.1:${port} \\(UDP and TCP\\): dig @127\\.0\\.0\\.1 -p ${port} NAME$`,
        'm',
      ),
    );
    const { stdout } = await run(
      'dig',
      ['@127.0.0.1', '-p', String(port), '+short', 'www.lab.test', 'A'],
      { timeout: 30_000 },
    );
    assert.equal(stdout.trim(), '192.0.2.44');
  } finally {
    await stop(proc);
  }
});

test('serve with an unknown service name fails with one line naming the one-liners, status 2', async () => {
  const { code, stdout, stderr } = await runCli(['serve', 'gopher']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(
    stderr.split('\n')[0],
    "polyport serve: cannot serve 'gopher' alone: the one-liners are http, ftp, smtp and dns",
  );
});

test("a one-liner refuses what it cannot take: another one-liner's flag, a missing zone file, --port on the plain serve", async () => {
  for (const [args, line] of [
    [['serve', 'http', '--write'], "polyport serve http: --write is for 'polyport serve ftp'"],
    [['serve', 'dns'], 'polyport serve dns: needs a ZONEFILE'],
    [['serve', 'http', 'a', 'b'], "polyport serve http: takes one DIR, got 'a' 'b'"],
    [['serve', '--port', '8000'], /^polyport serve: --port needs a one-liner/],
  ] as const) {
    const { code, stderr } = await runCli(args);
    assert.equal(code, 2, args.join(' '));
    if (typeof line === 'string') assert.equal(stderr.split('\n')[0], line);
    else assert.match(stderr, line);
  }
});

test("serve http --help shows the one-liner's usage, and serve --help lists every one-liner", async () => {
  const one = await runCli(['serve', 'http', '--help']);
  assert.equal(one.code, 0);
  assert.match(
    one.stdout,
    /^Usage: polyport serve http \[DIR\] \[--port N\] \[--bind ADDR\] \[options\]$/m,
  );
  const all = await runCli(['serve', '--help']);
  assert.equal(all.code, 0);
  for (const name of ['http', 'ftp', 'smtp', 'dns']) {
    assert.match(all.stdout, new RegExp(`^ {7}polyport serve ${name} `, 'm'), name);
  }
});

test("a one-liner is --set values under the user's own: --print-config shows them, and a --set wins over --port", async () => {
  const site = tempDir();
  const { code, stdout } = await runCli([
    'serve',
    'http',
    site,
    '--port',
    '8000',
    '--bind',
    '127.0.0.2',
    '--set',
    'http.port=8001',
    '--print-config',
  ]);
  assert.equal(code, 0);
  const http = /^\[http\]\n((?:.+\n)*)/m.exec(stdout)?.[1] ?? '';
  assert.match(http, /^port = 8001$/m);
  assert.match(http, /^address = "127\.0\.0\.2"$/m);
  assert.match(http, new RegExp(`^root = "${site}"$`, 'm'));
  for (const off of ['ftp', 'smtp', 'pop3', 'dns', 'https', 'echo']) {
    const table = new RegExp(`^\\[${off}\\]\\n((?:.+\\n)*)`, 'm').exec(stdout)?.[1] ?? '';
    assert.match(table, /^enabled = false$/m, off);
  }
  const admin = /^\[admin\]\n((?:.+\n)*)/m.exec(stdout)?.[1] ?? '';
  assert.doesNotMatch(admin, /^enabled = false$/m);
});
