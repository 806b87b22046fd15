import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loop, type SocketMap } from '../../../src/dispatch/index.js';
import { FileSource } from '../../../src/protocols/common/file-source.js';
import {
  DataChannel,
  type TransferOutcome,
} from '../../../src/protocols/ftp/server/data-channel.js';
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

/** A receiving channel on a memory socket, writing to `f.bin` opened with `flags`. */
async function receiving(
  flags: string,
  body: (
    sock: MemorySocket,
    map: SocketMap,
    outcomes: TransferOutcome[],
    path: string,
  ) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-data-channel-'));
  const path = join(dir, 'f.bin');
  writeFileSync(path, '');
  const fd = openSync(path, flags);
  try {
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
    channel.receive({ fd, position: 0 });
    await body(sock, map, outcomes, path);
    channel.abort();
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('DataChannel writes an upload whole, the last part-batch included, when the client ends it', async () => {
  await receiving('r+', async (sock, map, outcomes, path) => {
    const bytes = Buffer.from(Array.from({ length: 700 * 1024 + 5 }, (_, i) => (i * 13) % 256));
    for (let at = 0; at < bytes.length; at += 48 * 1024) {
      sock.feed(bytes.subarray(at, at + 48 * 1024));
      await loop({ map, timeout: 0.01, count: 1 });
    }
    assert.deepEqual(outcomes, [], 'not done before the end of the stream');
    sock.feedEof();
    for (let round = 0; round < 20 && outcomes.length === 0; round++)
      await loop({ map, timeout: 0.01, count: 1 });
    assert.deepEqual(outcomes, [{ status: 'complete', bytes: bytes.length }]);
    assert.ok(readFileSync(path).equals(bytes), 'every byte, in order');
  });
});

test('DataChannel fails an upload whose disk write fails, and reads no more of it', async () => {
  // Opened read-only: the first batch written fails with EBADF.
  await receiving('r', async (sock, map, outcomes) => {
    sock.feed(Buffer.alloc(512 * 1024, 1));
    for (let round = 0; round < 20 && outcomes.length === 0; round++)
      await loop({ map, timeout: 0.01, count: 1 });
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0]?.status, 'failed');
    assert.ok(sock.closed, 'the data connection is closed');
  });
});
