/**
 * NcFTP's `ncftpget` and `ncftpls` against polyport's FTP server: a wildcard get (issue 16 item
 * 5: `ncftpget '/pub/*.txt'` fetched nothing while NLST refused patterns), a plain binary get
 * byte for byte, and a listing. ncftp asks `HELP SITE` at every login (item 9: it got 501).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FtpFixture, startFixture } from '../protocols/ftp/ftp-fixture.js';
import { needs } from '../support/interop.js';
import { type ClientRun, runClient } from './run-client.js';

const ncftp = needs('ncftpget', 'ncftpls');

/** Runs an ncftp tool logged in as demo, its session trace written to `<dir>/trace.txt`. */
async function ncftpRun(
  tool: 'ncftpget' | 'ncftpls',
  f: FtpFixture,
  dir: string,
  args: readonly string[],
): Promise<ClientRun & { trace: string }> {
  const trace = join(dir, 'trace.txt');
  // ncftp appends to its trace file: each run starts a fresh one.
  rmSync(trace, { force: true });
  // HOME: ncftp keeps preferences and a host cache in ~/.ncftp; a fresh one per test.
  const run = await runClient(
    tool,
    ['-u', 'demo', '-p', 'demo', '-P', String(f.port), '-t', '20', '-d', trace, ...args],
    { env: { HOME: dir }, cwd: dir },
  );
  let text = '';
  try {
    text = readFileSync(trace, 'latin1');
  } catch {
    // no trace: the run failed before connecting; the exit status says so
  }
  return { ...run, trace: text };
}

/** A fresh FTP fixture with pub/ holding text files to match and files not to match. */
async function fixture(): Promise<{ f: FtpFixture; dir: string }> {
  const f = await startFixture();
  for (const name of ['a.txt', 'b.txt', 'c.bin', 'notes.txt.gz', '.hidden.txt']) {
    writeFileSync(join(f.root, 'pub', name), `this is ${name}\n`);
  }
  return { f, dir: mkdtempSync(join(tmpdir(), 'polyport-ncftp-')) };
}

test(
  "ncftpget '/pub/*.txt' fetches exactly the matching files (regression: NLST refused patterns, nothing came)",
  ncftp,
  async () => {
    const { f, dir } = await fixture();
    const local = join(dir, 'got');
    mkdirSync(local);
    try {
      const run = await ncftpRun('ncftpget', f, dir, ['127.0.0.1', local, '/pub/*.txt']);
      assert.equal(run.code, 0, `${run.output}\n${run.trace}`);
      assert.deepEqual(readdirSync(local).sort(), ['a.txt', 'b.txt', 'readme.txt'], run.trace);
      for (const name of ['a.txt', 'b.txt']) {
        assert.equal(readFileSync(join(local, name), 'utf8'), `this is ${name}\n`);
      }
      assert.equal(readFileSync(join(local, 'readme.txt'), 'utf8'), 'read me\n');
      // ncftp asked HELP SITE at login and got the list of SITE commands, not 501.
      assert.match(run.trace, /Cmd: HELP SITE\n[^\n]*214: /, run.trace);
      assert.doesNotMatch(run.trace, /501: /, run.trace);
    } finally {
      await f.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('ncftpget gets a 2 MiB binary file byte for byte; ncftpls lists pub/', ncftp, async () => {
  const { f, dir } = await fixture();
  const local = join(dir, 'got');
  mkdirSync(local);
  const blob = randomBytes(2 * 1024 * 1024);
  writeFileSync(join(f.root, 'pub', 'blob.bin'), blob);
  try {
    const run = await ncftpRun('ncftpget', f, dir, ['127.0.0.1', local, '/pub/blob.bin']);
    assert.equal(run.code, 0, `${run.output}\n${run.trace}`);
    assert.ok(readFileSync(join(local, 'blob.bin')).equals(blob), 'the download differs');
    const transfer = f.records.find((r) => r.msg === 'transfer' && r.command === 'RETR');
    assert.equal(transfer?.path, '/pub/blob.bin');
    // A file that is not there: ncftpget's exit status 3 (could not get a file), 550 traced.
    const missing = await ncftpRun('ncftpget', f, dir, ['127.0.0.1', local, '/pub/nope.bin']);
    assert.notEqual(missing.code, 0, missing.output);
    assert.match(missing.trace, /Cmd: RETR \/pub\/nope\.bin\n[^\n]*550: /, missing.trace);
    const listing = await ncftpRun('ncftpls', f, dir, ['-1', 'ftp://127.0.0.1/pub/']);
    assert.equal(listing.code, 0, `${listing.output}\n${listing.trace}`);
    // ncftpls asks for every entry (MLSD, or LIST -a), dot files included.
    assert.deepEqual(listing.stdout.split(/\r?\n/).filter(Boolean).sort(), [
      '.hidden.txt',
      'a.txt',
      'b.txt',
      'blob.bin',
      'c.bin',
      'notes.txt.gz',
      'readme.txt',
    ]);
  } finally {
    await f.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
