import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../../../src/host/index.js';
import { FtpClient, FtpError } from '../../../src/protocols/ftp/index.js';
import { memoryLogger, portOf, tempDir, testConfig } from '../../support/host.js';

test('FtpClient.get() leaves no local file behind when the server refuses the download', async () => {
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const client = await FtpClient.connect('127.0.0.1', portOf(host, 'ftp'), { timeout: 5 });
    await client.login('demo', 'demo');
    const local = join(tempDir(), 'missing.txt');
    await assert.rejects(client.get('/pub/no-such-file.txt', local), FtpError);
    assert.equal(existsSync(local), false, 'no empty file named after the refused download');
    await client.quit();
  } finally {
    await host.stop(500);
  }
});
