import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loop, type SocketMap } from '../../../src/dispatch/index.js';
import { DataChannel, type TransferOutcome } from '../../../src/protocols/ftp/data-channel.js';
import { FileSource } from '../../../src/protocols/ftp/file-source.js';
import { ManualClock, MemorySocket } from '../../../src/testing/index.js';

test('DataChannel sends a file only as fast as the client reads: an unread socket holds it to the send buffer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-data-channel-'));
  try {
    const bytes = Buffer.from(
      Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 7) % 256),
    );
    writeFileSync(join(dir, 'f.bin'), bytes);
    const sock = new MemorySocket();
    const map: SocketMap = new Map();
    const outcomes: TransferOutcome[] = [];
    const channel = new DataChannel(sock, {
      map,
      clock: new ManualClock(),
      stallTimeout: 0,
      ascii: false,
      onDone: (outcome) => outcomes.push(outcome),
    });
    channel.sendFile(new FileSource(join(dir, 'f.bin'), { chunkSize: 256 * 1024 }));
    // The channel asks for a large buffer for the transfer; make the client slow instead.
    sock.sendBufferSize = 64 * 1024;
    await loop({ map, timeout: 0.01, count: 20 });
    assert.equal(channel.bytes, 64 * 1024, 'no more than the socket took');
    assert.deepEqual(outcomes, []);
    for (let round = 0; round < 200 && outcomes.length === 0; round++) {
      sock.drain();
      await loop({ map, timeout: 0.01, count: 2 });
    }
    assert.deepEqual(outcomes, [{ status: 'complete', bytes: bytes.length }]);
    assert.ok(sock.sentData().equals(bytes), 'every byte, in order');
    channel.abort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
