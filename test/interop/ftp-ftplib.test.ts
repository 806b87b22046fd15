/** Python's stock ftplib (plain and FTP_TLS) against polyport's FTP server. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serverTls, startFixture } from '../protocols/ftp/ftp-fixture.js';
import { needs } from '../support/interop.js';

const SCRIPT = join(import.meta.dirname, '..', 'fixtures', 'ftp', 'ftplib_session.py');
const run = promisify(execFile);

for (const mode of ['plain', 'tls'] as const) {
  test(
    `Python ftplib ${mode === 'tls' ? 'FTP_TLS with PROT P' : 'FTP'} lists, transfers, resumes and manages files`,
    needs('python3'),
    async () => {
      const f = await startFixture(mode === 'tls' ? { tls: await serverTls() } : {});
      try {
        const args = [SCRIPT, String(f.port), ...(mode === 'tls' ? ['tls'] : [])];
        const { stdout } = await run('python3', args, { timeout: 30_000 });
        const out = JSON.parse(stdout) as Record<string, unknown>;
        assert.match(String(out.welcome), /^220 /);
        assert.equal(out.pwd, '/');
        assert.ok((out.list as string[]).some((l) => /^-rw-r--r-- .* hello\.txt$/.test(l)));
        assert.deepEqual(out.nlst, ['hello.txt', 'pub']);
        assert.deepEqual(out.mlsd, ['hello.txt', 'pub']);
        assert.equal(out.retr, 'hello, world\n');
        assert.equal(out.size, 256 * 4096);
        assert.equal(out.rest_ok, true);
        assert.deepEqual(out.ascii, ['hello, world']);
        assert.equal(out.cwd, '/dir');
        assert.equal(out.bounce, '504');
        assert.match(String(out.quit), /^221 /);
      } finally {
        await f.stop();
      }
    },
  );
}
