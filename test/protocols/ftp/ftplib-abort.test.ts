/**
 * Regression: Python's ftplib `abort()` got no answer. It sends `ABOR\r\n` as urgent data, and
 * Linux (without SO_OOBINLINE, which Node cannot set) takes the LF out of the stream, so the
 * server receives `ABOR\r` with no line end.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { needs } from '../../support/interop.js';
import { startFixture } from './ftp-fixture.js';

const run = promisify(execFile);

const SCRIPT = `
import ftplib, sys
f = ftplib.FTP()
f.connect('127.0.0.1', int(sys.argv[1]), timeout=20)
f.login('demo', 'demo')
f.voidcmd('TYPE I')
conn = f.transfercmd('RETR large.bin')
conn.recv(65536)
print(f.abort()[:3])
conn.close()
print(f.getresp()[:3])
print(f.voidcmd('NOOP')[:3])
f.quit()
`;

test(
  'ftplib abort() during a large RETR gets 426 for the transfer, then 226 for the ABOR',
  needs('python3'),
  async () => {
    const f = await startFixture();
    // Far more than the socket buffers hold: the download is still running when ABOR comes.
    writeFileSync(join(f.root, 'large.bin'), Buffer.alloc(64 * 1024 * 1024));
    try {
      const { stdout } = await run('python3', ['-c', SCRIPT, String(f.port)], { timeout: 30_000 });
      assert.deepEqual(stdout.trim().split('\n'), ['426', '226', '200']);
      const transfer = f.records.find((r) => r.msg === 'transfer');
      assert.equal(transfer?.status, 'aborted');
    } finally {
      await f.stop();
    }
  },
);
