import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_UNIX,
  CLIENT_READ_SIZE,
  MSG_WAITALL,
  SO_RCVBUF,
  SO_SNDBUF,
  SOCK_STREAM,
  SOL_SOCKET,
  socket,
  socketpair,
} from '../../src/socket/index.js';
import { readAll, sleep, tcpPair } from './support.js';

const MiB = 1024 * 1024;

/** 64 MiB of pseudo-random bytes, made from a 1 MiB random block with a counter in each copy. */
function bigPayload(size: number): Buffer {
  const block = randomBytes(MiB);
  const out = Buffer.allocUnsafe(size);
  for (let offset = 0, i = 0; offset < size; offset += MiB, i++) {
    block.copy(out, offset);
    out.writeUInt32BE(i, offset);
  }
  return out;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('large transfers and backpressure', () => {
  test('64 MiB pass through sendall() and recv() intact', { timeout: 120_000 }, async () => {
    const payload = bigPayload(64 * MiB);
    const [a, b] = await tcpPair();
    const hash = createHash('sha256');
    let received = 0;
    const reader = (async () => {
      for (;;) {
        const data = await b.recv(256 * 1024);
        if (data.length === 0) return;
        hash.update(data);
        received += data.length;
      }
    })();
    await a.sendall(payload);
    a.close();
    await reader;
    assert.equal(received, payload.length);
    assert.equal(hash.digest('hex'), sha256(payload));
    b.close();
  });

  test("a connected client reads more than Node's 64 KiB at a time and hands each read out uncopied, up to CLIENT_READ_SIZE", {
    timeout: 60_000,
  }, async () => {
    const payload = bigPayload(16 * MiB);
    const [client, conn] = await tcpPair();
    const hash = createHash('sha256');
    let received = 0;
    let largestUncopied = 0;
    const reader = (async () => {
      for (;;) {
        const data = await client.recv(CLIENT_READ_SIZE);
        if (data.length === 0) return;
        assert.ok(data.length <= CLIENT_READ_SIZE);
        // A read handed out as it came is a view into a larger read slab; bytes joined from
        // several reads would sit in memory of their own.
        if (data.buffer.byteLength > data.length) {
          largestUncopied = Math.max(largestUncopied, data.length);
        }
        hash.update(data);
        received += data.length;
      }
    })();
    await conn.sendall(payload);
    conn.close();
    await reader;
    client.close();
    assert.equal(received, payload.length);
    assert.equal(hash.digest('hex'), sha256(payload));
    assert.ok(largestUncopied > 64 * 1024, `largest uncopied read: ${largestUncopied} bytes`);
  });

  test('512 MiB sent from an accepted socket in 1 MiB handed-over chunks reach another process (regression: a reused write request crashed Node)', {
    timeout: 120_000,
  }, async () => {
    // The direct-write path of accepted sockets under an FTP RETR's load, with the reader in
    // another process as curl is: the kernel takes part of a chunk and libuv sends the rest
    // inside the same call, which a shared write request did not survive.
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(['127.0.0.1', 0]);
    await server.listen();
    const port = (server.getsockname() as [string, number])[1];
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const s = require('node:net').connect(${port}, '127.0.0.1'); let n = 0;
         s.on('data', (d) => { n += d.length; }); s.on('end', () => console.log(n));`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    reader.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise((resolve) => reader.once('exit', resolve));
    const [conn] = await server.accept();
    server.close();
    const chunks = 512;
    for (let i = 0; i < chunks; i++) {
      const chunk = Buffer.alloc(MiB, i);
      let sent = 0;
      while (sent < chunk.length) {
        const n = conn.sendNowait(chunk.subarray(sent), 0, { owned: true });
        if (n < 0) await new Promise((resolve) => setImmediate(resolve));
        else sent += n;
      }
    }
    conn.close();
    await exited;
    assert.equal(Number(out.trim()), chunks * MiB);
  });

  test('64 MiB pass over AF_UNIX in many small sendall() calls and arrive in order', {
    timeout: 120_000,
  }, async () => {
    const payload = bigPayload(64 * MiB);
    const [a, b] = await socketpair(AF_UNIX);
    const reader = readAll(b, 1 << 20);
    const step = 1 << 20;
    for (let offset = 0; offset < payload.length; offset += step) {
      await a.sendall(payload.subarray(offset, offset + step));
    }
    a.close();
    const got = await reader;
    assert.equal(got.length, payload.length);
    assert.equal(sha256(got), sha256(payload));
    b.close();
  });

  test('recvInto() with MSG_WAITALL fills a buffer larger than the receive limit', {
    timeout: 60_000,
  }, async () => {
    const payload = bigPayload(4 * MiB);
    const [a, b] = await tcpPair();
    void a.sendall(payload);
    const whole = await b.recv(payload.length, MSG_WAITALL);
    assert.equal(whole.length, payload.length);
    assert.equal(sha256(whole), sha256(payload));
    a.close();
    b.close();
  });

  test('a reader that does not read makes sendNowait() return -1 after a bounded amount, without growing memory', async () => {
    const [a, b] = await tcpPair();
    const chunk = Buffer.alloc(64 * 1024, 7);
    const before = process.memoryUsage().arrayBuffers;
    let written = 0;
    let blocked = 0;
    // Offer 256 MiB; the writer must refuse long before.
    for (let i = 0; i < 4096; i++) {
      const n = a.sendNowait(chunk);
      if (n === -1) {
        blocked++;
        if (blocked > 20) break;
        await sleep(5);
        continue;
      }
      written += n;
    }
    assert.ok(blocked > 20, 'the writer was never told to wait');
    assert.ok(written < 16 * MiB, `${written} bytes accepted while nobody read`);
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 32 * MiB, `array buffers grew by ${grown} bytes`);
    // Everything accepted is still delivered once the reader reads.
    a.close();
    const got = await readAll(b);
    assert.equal(got.length, written);
    b.close();
  });

  test('a small SO_SNDBUF still lets sendall() finish (regression: it waited for a drain that never came)', {
    timeout: 30_000,
  }, async () => {
    const [a, b] = await tcpPair();
    a.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
    b.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096);
    assert.equal(a.getsockopt(SOL_SOCKET, SO_SNDBUF), 4096);
    const payload = bigPayload(8 * MiB);
    const reader = (async () => {
      await sleep(50);
      return readAll(b, 1000);
    })();
    for (let offset = 0; offset < payload.length; offset += 1000) {
      await a.sendall(payload.subarray(offset, offset + 1000));
    }
    a.close();
    const got = await reader;
    assert.equal(sha256(got), sha256(payload));
    b.close();
  });
});
