/** lftp mirrors a tree from and to polyport's FTP server; checksums must match both ways. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serverTls, startFixture } from '../protocols/ftp/ftp-fixture.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

/** Every file below `dir`, by relative path, with its SHA-256. */
function checksums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function makeTree(dir: string): void {
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'top.bin'), randomBytes(300_000));
  writeFileSync(join(dir, 'a', 'one.txt'), 'one\r\ntwo\n');
  writeFileSync(join(dir, 'a', 'b', 'deep.bin'), randomBytes(1_500_000));
  writeFileSync(join(dir, 'a', 'b', 'name with spaces.txt'), 'spaces');
  writeFileSync(join(dir, 'empty'), '');
}

for (const tls of [false, true]) {
  test(
    `lftp mirrors a tree both ways${tls ? ' over FTPS' : ''} with matching checksums`,
    needs('lftp'),
    async () => {
      const f = await startFixture(tls ? { tls: await serverTls() } : {});
      const local = mkdtempSync(join(tmpdir(), 'polyport-lftp-'));
      try {
        makeTree(join(f.root, 'tree'));
        makeTree(join(local, 'up'));
        const settings = [
          'set cmd:fail-exit true',
          'set net:max-retries 1',
          'set net:timeout 10',
          `set ftp:ssl-allow ${tls}`,
          `set ftp:ssl-force ${tls}`,
          `set ftp:ssl-protect-data ${tls}`,
          'set ssl:verify-certificate no',
        ];
        const script = [
          ...settings,
          `mirror /tree ${join(local, 'down')}`,
          `mirror -R ${join(local, 'up')} /up`,
          'bye',
        ].join('; ');
        await run('lftp', ['-u', 'demo,demo', '-p', String(f.port), '-e', script, '127.0.0.1'], {
          timeout: 60_000,
        });
        assert.deepEqual(checksums(join(local, 'down')), checksums(join(f.root, 'tree')));
        assert.deepEqual(checksums(join(f.root, 'up')), checksums(join(local, 'up')));
      } finally {
        await f.stop();
      }
    },
  );
}
