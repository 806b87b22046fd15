/**
 * Regression: FTP listings followed symbolic links out of the root. RETR, CWD and SIZE refused
 * them, but LIST, NLST, MLSD and `STAT path` showed a link to /etc/passwd or to a directory
 * outside the root, and MLSD even gave the target's type, size and time. curl reads them now.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startFixture } from '../protocols/ftp/ftp-fixture.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

function curl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('curl', ['-sS', '--max-time', '20', '-u', 'demo:demo', ...args], {
    timeout: 30_000,
    encoding: 'utf8',
  });
}

/** What a listing must not show: the links' names, nor anything of their targets. */
const LEAK = /passwd|outdir|secret|root:x:0/;

test(
  'curl sees no link out of the root in LIST, NLST, MLSD or STAT, and in-root links as before',
  needs('curl'),
  async () => {
    const f = await startFixture();
    try {
      symlinkSync('/etc/passwd', join(f.root, 'pub', 'passwd'));
      symlinkSync(f.outside, join(f.root, 'pub', 'outdir'));
      symlinkSync(join(f.outside, 'secret.txt'), join(f.root, 'pub', 'secret.txt'));
      symlinkSync('../hello.txt', join(f.root, 'pub', 'hello-link.txt'));
      const url = `ftp://127.0.0.1:${f.port}/pub/`;

      const list = (await curl(url)).stdout;
      assert.doesNotMatch(list, LEAK, list);
      assert.match(list, /^-.* readme\.txt\r?$/m, list);
      assert.match(list, /^l.* hello-link\.txt -> \.\.\/hello\.txt\r?$/m, list);

      const nlst = (await curl('--list-only', url)).stdout.split(/\r?\n/).filter(Boolean);
      assert.deepEqual(nlst.sort(), ['hello-link.txt', 'readme.txt']);

      const mlsd = (await curl('-X', 'MLSD', url)).stdout;
      assert.doesNotMatch(mlsd, LEAK, mlsd);
      assert.match(mlsd, /type=file;size=13;[^\r\n]* hello-link\.txt\r?$/m, mlsd);

      // -Q sends STAT before the listing; -v shows its reply (the listing is on stdout).
      const stat = (await curl('-v', '-Q', 'STAT /pub', url)).stderr;
      assert.match(stat, /213-Status of \/pub:/, stat);
      assert.doesNotMatch(stat, LEAK, stat);

      // The links themselves stay refused, as before.
      await assert.rejects(curl(`${url}passwd`));
      await assert.rejects(curl(`${url}outdir/`));
    } finally {
      await f.stop();
    }
  },
);
