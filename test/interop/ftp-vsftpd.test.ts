/**
 * polyport's FtpClient against vsftpd, started by the test on a free loopback port with its own
 * config: anonymous, read-only, rooted at a temporary tree (no system user is created).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FtpClient } from '../../src/protocols/ftp/index.js';
import { createServer } from '../../src/socket/index.js';
import { needs } from '../support/interop.js';

async function freePort(): Promise<number> {
  const sock = await createServer(['127.0.0.1', 0]);
  const port = (sock.getsockname() as [string, number])[1];
  sock.close();
  return port;
}

/** Starts vsftpd in the foreground; resolves once it accepts a login. */
async function startVsftpd(): Promise<{ port: number; root: string; stop(): Promise<void> }> {
  const base = mkdtempSync(join(tmpdir(), 'polyport-vsftpd-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'pub'), { recursive: true });
  writeFileSync(join(root, 'hello.txt'), 'hello from vsftpd\n');
  writeFileSync(join(root, 'pub', 'data.bin'), Buffer.alloc(1024 * 1024, 0x5a));
  // vsftpd drops to the ftp user for anonymous sessions: the tree must be world-readable.
  for (const dir of [base, root, join(root, 'pub')]) chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(base, 'vsftpd.conf');
  writeFileSync(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      'no_anon_password=YES',
      `anon_root=${root}`,
      'local_enable=NO',
      'write_enable=NO',
      'seccomp_sandbox=NO',
      'isolate=NO',
      'isolate_network=NO',
      'xferlog_enable=NO',
      'pasv_enable=YES',
      'port_enable=YES',
      'connect_from_port_20=NO',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('vsftpd', [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const probe = await FtpClient.connect('127.0.0.1', port, { timeout: 2 });
      probe.close();
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill();
        throw new Error(`vsftpd did not start: ${stderr || String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    root,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
      rmSync(base, { recursive: true, force: true });
    },
  };
}

for (const active of [false, true]) {
  test(
    `FtpClient lists, sizes and downloads from vsftpd in ${active ? 'active' : 'passive'} mode`,
    needs('vsftpd'),
    async () => {
      const server = await startVsftpd();
      const ftp = await FtpClient.connect('127.0.0.1', server.port, { timeout: 10, active });
      try {
        assert.equal(ftp.welcome?.code, 220);
        await ftp.login('anonymous', 'test@example.test');
        assert.equal(await ftp.pwd(), '/');
        const entries = await ftp.list('/');
        const byName = new Map(entries.map((e) => [e.name, e]));
        assert.equal(byName.get('hello.txt')?.size, 18);
        assert.equal(byName.get('pub')?.type, 'dir');
        assert.deepEqual(await ftp.nlst('pub'), ['pub/data.bin']);
        assert.equal(await ftp.size('pub/data.bin'), 1024 * 1024);
        assert.ok((await ftp.mdtm('hello.txt')).getTime() > 0);
        const parts: Buffer[] = [];
        for await (const c of ftp.getStream('pub/data.bin', { offset: 1024 }))
          parts.push(c as Buffer);
        assert.equal(Buffer.concat(parts).length, 1024 * 1024 - 1024);
        await ftp.cwd('pub');
        assert.equal(await ftp.pwd(), '/pub');
        await assert.rejects(ftp.putStream('nope.txt', [Buffer.from('x')]));
        await ftp.quit();
      } finally {
        ftp.close();
        await server.stop();
      }
    },
  );
}
