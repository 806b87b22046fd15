/** The server's file commands on a real directory, without a connection. */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FileCommandHost, FtpJail, runFileCommand } from '../../../src/protocols/ftp/index.js';

async function host(): Promise<{ root: string; files: FileCommandHost }> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'polyport-ftp-files-')));
  mkdirSync(join(root, 'pub'));
  writeFileSync(join(root, 'pub', 'a.txt'), 'a');
  const files: FileCommandHost = {
    jail: await FtpJail.open(root),
    cwd: '/',
    permissions: new Set(['list', 'read', 'rename']),
    mlstFacts: ['type', 'size'],
  };
  return { root, files };
}

test('runFileCommand() RNFR checks the entry and changes nothing; RNTO renames what RNFR named', async () => {
  const { root, files } = await host();
  assert.equal((await runFileCommand(files, 'RNFR', 'pub/a.txt')).code, 350);
  assert.ok(existsSync(join(root, 'pub', 'a.txt')), 'RNFR alone renames nothing');
  assert.equal((await runFileCommand(files, 'RNFR', 'pub/none.txt')).code, 550);
  assert.equal((await runFileCommand(files, 'RNFR', '/')).code, 550);
  const renamed = await runFileCommand(files, 'RNTO', 'pub/b.txt', 'pub/a.txt');
  assert.equal(renamed.code, 250);
  assert.equal(readFileSync(join(root, 'pub', 'b.txt'), 'utf8'), 'a');
  assert.equal(existsSync(join(root, 'pub', 'a.txt')), false);
});

test("runFileCommand() RNTO without RNFR is 503, and 550 when RNFR's entry went away meanwhile", async () => {
  const { files } = await host();
  assert.equal((await runFileCommand(files, 'RNTO', 'pub/b.txt')).code, 503);
  assert.equal((await runFileCommand(files, 'RNTO', 'pub/b.txt', 'pub/gone.txt')).code, 550);
  assert.equal((await runFileCommand(files, 'RNTO', 'pub/x', 'pub')).code, 550, 'not into itself');
});

test('runFileCommand() CWD changes the host working directory, and PWD reports it', async () => {
  const { files } = await host();
  assert.equal((await runFileCommand(files, 'CWD', 'pub')).code, 250);
  assert.equal(files.cwd, '/pub');
  assert.deepEqual((await runFileCommand(files, 'PWD', '')).lines, [
    '"/pub" is the current directory.',
  ]);
  assert.equal((await runFileCommand(files, 'CWD', 'a.txt')).code, 550);
  assert.equal(files.cwd, '/pub');
});
