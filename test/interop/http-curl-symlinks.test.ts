/**
 * Regression: the HTTP directory index followed symbolic links out of the root. The files were
 * refused (403), but the index listed a link to /etc/passwd or to a directory outside the root
 * with the target's type, size and time. curl reads the index now.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { staticFiles } from '../../src/protocols/http/index.js';
import { runTool, startTestServer } from '../protocols/http/support/server.js';
import { needs } from '../support/interop.js';

test(
  'curl gets a directory index without the links that lead out of the root',
  needs('curl'),
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polyport-curl-links-'));
    const root = join(dir, 'www');
    mkdirSync(join(dir, 'outside'), { recursive: true });
    mkdirSync(root);
    writeFileSync(join(dir, 'outside', 'secret.txt'), 'secret\n');
    writeFileSync(join(root, 'hello.txt'), 'hello, curl\n');
    symlinkSync('/etc/passwd', join(root, 'passwd'));
    symlinkSync(join(dir, 'outside'), join(root, 'outdir'));
    symlinkSync('hello.txt', join(root, 'hello-link.txt'));
    const server = await startTestServer([staticFiles({ root, listing: true })]);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const index = await runTool('curl', ['-sS', '--max-time', '20', `${base}/`]);
      assert.equal(index.code, 0, index.stderr);
      assert.doesNotMatch(index.stdout, /passwd|outdir/, index.stdout);
      assert.match(index.stdout, />hello\.txt<\/a><\/td><td>12</);
      assert.match(index.stdout, />hello-link\.txt<\/a><\/td><td>12</);
      const refused = await runTool('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `${base}/passwd`,
      ]);
      assert.equal(refused.stdout, '403');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
