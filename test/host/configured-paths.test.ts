import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HostStartError, serve } from '../../src/host/index.js';
import { memoryLogger, tempDir, testConfig } from '../support/host.js';

/** Starts serve with `sets` and returns the start error's message (failing if it started). */
async function startFailure(sets: string[]): Promise<string> {
  const err = await serve({ config: testConfig(sets), logger: memoryLogger().logger }).then(
    async (host) => {
      await host.stop();
      return null;
    },
    (e: unknown) => e,
  );
  assert.ok(err instanceof HostStartError, `expected a HostStartError, got ${String(err)}`);
  return err.message;
}

describe('a configured root, zone or quotes file that does not exist is refused at start', () => {
  const missing = join(tempDir(), 'no-such-thing');

  test('ftp.root names the key and the path', async () => {
    const message = await startFailure([`ftp.root=${missing}`]);
    assert.match(message, /^ftp: .*config: ftp\.root = ".*no-such-thing": no such directory$/);
  });

  test('http.root names the key instead of a realpath ENOENT', async () => {
    const message = await startFailure([`http.root=${missing}`, 'https.enabled=false']);
    assert.match(message, /^http: .*config: http\.root = ".*no-such-thing": no such directory$/);
  });

  test('a file given as a root is not a directory', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const message = await startFailure([`ftp.root=${file}`]);
    assert.match(message, /config: ftp\.root = ".*a-file": not a directory$/);
  });

  test('dns.zones names the key', async () => {
    const message = await startFailure([`dns.zones=${missing}.zone`]);
    assert.match(message, /^dns: .*config: dns\.zones = ".*no-such-thing\.zone": no such file$/);
  });

  test('qotd.file names the key', async () => {
    const message = await startFailure([`qotd.file=${missing}.txt`]);
    assert.match(message, /^qotd: .*config: qotd\.file = ".*no-such-thing\.txt": no such file$/);
  });

  test('an existing root starts as before', async () => {
    const root = join(tempDir(), 'ftp-root');
    mkdirSync(root);
    const host = await serve({
      config: testConfig([`ftp.root=${root}`]),
      logger: memoryLogger().logger,
    });
    await host.stop();
  });
});
