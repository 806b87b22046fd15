/**
 * tnftp (NetBSD's ftp, Debian's `tnftp`) against polyport's FTP server. tnftp is the BSD client
 * lineage that netkit and inetutils `ftp` share: it aborts with the Telnet Synch (`IAC IP IAC`
 * as urgent data, then `DM ABOR` in band) and expands `mget` patterns with `NLST pattern`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFixture } from '../protocols/ftp/ftp-fixture.js';
import { needs } from '../support/interop.js';

/** A tnftp session fed on stdin, its replies (`-v`) collected from stdout and stderr. */
function startTnftp(port: number, cwd: string) {
  // -n: log in by the script's `user`; -i: no prompt per file in mget; -v: print the replies.
  const child = spawn('tnftp', ['-n', '-i', '-v', '127.0.0.1', String(port)], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString('latin1');
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString('latin1');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return {
    child,
    output: () => output,
    send: (lines: string[]) => child.stdin.write(`${lines.join('\n')}\n`),
    async finish(lines: string[]): Promise<number | null> {
      child.stdin.end(`${lines.join('\n')}\n`);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(
  'tnftp interrupted during a large get aborts the transfer: 426, then 226, and the session goes on (regression: the Synch left a DM before ABOR, 500, the file kept coming)',
  needs('tnftp'),
  async () => {
    const f = await startFixture();
    const local = mkdtempSync(join(tmpdir(), 'polyport-tnftp-'));
    // 4 GiB, sparse: far more than any socket buffer, and more than loopback moves in the
    // moment between the first 256 KiB and the interrupt (tnftp's rate limit does not hold the
    // server back much: 140 MB had gone by then once on Node 26), so the server is mid-file.
    const size = 4 * 1024 * 1024 * 1024;
    const fd = openSync(join(f.root, 'large.bin'), 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
    const out = join(local, 'large.bin');
    const ftp = startTnftp(f.port, local);
    try {
      // The throttle keeps the download running while the test reaches in with SIGINT.
      ftp.send(['user demo demo', 'binary', 'rate get 2097152', 'get large.bin']);
      await waitFor('the download to start', () => {
        try {
          return statSync(out).size >= 256 * 1024;
        } catch {
          return false;
        }
      });
      // ^C: tnftp's abortxfer() sends IAC IP IAC with MSG_OOB, then DM ABOR CRLF.
      ftp.child.kill('SIGINT');
      await waitFor('the abort replies', () => /^226 /m.test(ftp.output()));
      const code = await ftp.finish(['quote NOOP', 'pwd', 'quit']);
      const text = ftp.output();
      assert.equal(code, 0, text);
      const replies = text.split(/\r?\n/).filter((l) => /^\d{3} /.test(l));
      const after150 = replies.slice(replies.findIndex((l) => l.startsWith('150 ')));
      assert.match(after150[1] ?? '', /^426 /, text);
      assert.match(after150[2] ?? '', /^226 ABOR/, text);
      assert.ok(!replies.some((l) => l.startsWith('500 ')), text);
      // The control connection is still in step: NOOP and PWD get their own replies.
      assert.match(after150[3] ?? '', /^200 NOOP/, text);
      assert.match(text, /^Remote directory: \/$/m, text);
      assert.match(after150[4] ?? '', /^221 /, text);
      const transfer = f.records.find((r) => r.msg === 'transfer');
      assert.equal(transfer?.status, 'aborted');
      assert.ok(Number(transfer?.bytes) < size / 4, `sent ${transfer?.bytes} of ${size} bytes`);
    } finally {
      ftp.child.kill('SIGKILL');
      await f.stop();
      rmSync(local, { recursive: true, force: true });
    }
  },
);

test(
  'tnftp mget *.txt fetches exactly the matching files (regression: NLST *.txt got 450 and mget fetched nothing)',
  needs('tnftp'),
  async () => {
    const f = await startFixture();
    const local = mkdtempSync(join(tmpdir(), 'polyport-tnftp-'));
    for (const name of ['a.txt', 'b.txt', 'c.bin', '.hidden.txt']) {
      writeFileSync(join(f.root, name), `this is ${name}\n`);
    }
    symlinkSync(join(f.outside, 'secret.txt'), join(f.root, 'secret.txt'));
    const ftp = startTnftp(f.port, local);
    try {
      const code = await ftp.finish(['user demo demo', 'mget *.txt', 'quit']);
      const text = ftp.output();
      assert.equal(code, 0, text);
      // tnftp expands the pattern with NLST (quietly); the server logged that listing.
      const nlst = f.records.find((r) => r.msg === 'transfer' && r.command === 'NLST');
      assert.equal(nlst?.path, '/*.txt');
      assert.deepEqual(readdirSync(local).sort(), ['a.txt', 'b.txt', 'hello.txt'], text);
      for (const name of ['a.txt', 'b.txt']) {
        assert.equal(readFileSync(join(local, name), 'utf8'), `this is ${name}\n`);
      }
      assert.equal(readFileSync(join(local, 'hello.txt'), 'utf8'), 'hello, world\n');
    } finally {
      ftp.child.kill('SIGKILL');
      await f.stop();
      rmSync(local, { recursive: true, force: true });
    }
  },
);
