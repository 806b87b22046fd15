/** Every byte of an FTP data connection reaches the observer, as the control connection's do. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { startFixture } from './ftp-fixture.js';

test('an upload and a download report their data bytes through observer.transferred()', async () => {
  let bytesIn = 0;
  let bytesOut = 0;
  const f = await startFixture({
    observer: {
      transferred: (i, o) => {
        bytesIn += i;
        bytesOut += o;
      },
    },
  });
  try {
    const client = await FtpClient.connect('127.0.0.1', f.port, { timeout: 10 });
    await client.login('demo', 'demo');
    const body = Buffer.alloc(100_000, 'x');
    await client.putStream('up.bin', [body]);
    assert.equal(readFileSync(join(f.root, 'up.bin')).length, body.length);
    assert.equal(bytesIn, body.length, 'the upload counted in');
    assert.equal(bytesOut, 0);
    const parts: Buffer[] = [];
    for await (const chunk of client.getStream('up.bin')) parts.push(chunk as Buffer);
    assert.equal(Buffer.concat(parts).length, body.length);
    assert.equal(bytesOut, body.length, 'the download counted out');
    assert.equal(bytesIn, body.length);
    await client.quit();
  } finally {
    await f.stop();
  }
});
