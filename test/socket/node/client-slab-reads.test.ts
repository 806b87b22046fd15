import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_UNIX,
  releaseReceived,
  SOCK_STREAM,
  Socket,
} from '../../../src/socket/index.js';

const MiB = 1024 * 1024;

/** A plain node:net server that sends `payload` to each connection and closes it. */
async function sender(payload: Buffer, path?: string): Promise<[Server, number | string]> {
  const server = createServer((conn) => conn.end(payload));
  await new Promise<void>((resolve) => {
    if (path === undefined) server.listen(0, '127.0.0.1', resolve);
    else server.listen(path, resolve);
  });
  const address = server.address();
  if (address === null) throw new Error('no address');
  return [server, typeof address === 'string' ? address : address.port];
}

/**
 * Receives everything with recv(), keeping (as recv() hands them out) the chunks of the first
 * `holdBytes` and giving the rest back with releaseReceived(). Returns what arrived, the kept
 * chunks with a copy of each, and the read slabs (1 MiB backing stores) the chunks sat in.
 */
async function receive(sock: Socket, holdBytes: number) {
  const received: Buffer[] = [];
  const held: Array<[Buffer, Buffer]> = [];
  const slabs = new Set<ArrayBufferLike>();
  let total = 0;
  let slabBytes = 0;
  for (;;) {
    const chunk = await sock.recv(65536);
    if (chunk.length === 0) break;
    received.push(Buffer.from(chunk));
    if (chunk.buffer.byteLength === MiB) {
      slabs.add(chunk.buffer);
      slabBytes += chunk.length;
    }
    if (total < holdBytes) held.push([chunk, Buffer.from(chunk)]);
    else releaseReceived(chunk);
    total += chunk.length;
  }
  return { all: Buffer.concat(received), held, slabs, slabBytes };
}

describe('connected client streams read into reused slabs (net.connect onread)', () => {
  test('held recv() views are never rewritten; released slabs are reused', async () => {
    const payload = randomBytes(12 * MiB);
    const [server, port] = await sender(payload);
    const sock = new Socket(AF_INET, SOCK_STREAM);
    await sock.connect(['127.0.0.1', port as number]);
    const { all, held, slabs, slabBytes } = await receive(sock, 2 * MiB);
    sock.close();
    server.close();
    assert.ok(all.equals(payload));
    for (const [view, copy] of held) assert.ok(view.equals(copy), 'a held view was rewritten');
    // Most bytes come as views of slabs (a recv() that joins chunks copies them instead).
    assert.ok(slabBytes > payload.length / 2, `${slabBytes} bytes came from slabs`);
    // 12 MiB through 1 MiB slabs takes 12 or 13 without reuse; the slabs holding kept chunks
    // (3 at most) are never reused, and the released ones are.
    assert.ok(slabs.size <= 6, `${slabs.size} slabs`);
  });

  test('AF_UNIX streams read the same way', async () => {
    const payload = randomBytes(4 * MiB);
    const path = `/tmp/polyport-client-slab-${process.pid}.sock`;
    const [server] = await sender(payload, path);
    const sock = new Socket(AF_UNIX, SOCK_STREAM);
    await sock.connect(path);
    const { all, held, slabs } = await receive(sock, MiB);
    sock.close();
    server.close();
    assert.ok(all.equals(payload));
    for (const [view, copy] of held) assert.ok(view.equals(copy), 'a held view was rewritten');
    assert.ok(slabs.size >= 1 && slabs.size <= 4, `${slabs.size} slabs`);
  });

  test('several client streams reading at once into the same slabs never land in one another’s bytes', async () => {
    // Each stream's next read waits in a region of the slab reserved for it while the others
    // read: their bytes must come out whole and in order, and held views must stay as read.
    const payloads = [randomBytes(6 * MiB), randomBytes(5 * MiB + 4321), randomBytes(3 * MiB + 7)];
    const servers = await Promise.all(payloads.map((p) => sender(p)));
    const sockets = servers.map(() => new Socket(AF_INET, SOCK_STREAM));
    await Promise.all(
      sockets.map((sock, i) => sock.connect(['127.0.0.1', servers[i]![1] as number])),
    );
    const results = await Promise.all(sockets.map((sock, i) => receive(sock, i * MiB)));
    for (const sock of sockets) sock.close();
    for (const [server] of servers) server.close();
    results.forEach(({ all, held }, i) => {
      assert.ok(all.equals(payloads[i]!), `stream ${i} received other bytes`);
      for (const [view, copy] of held)
        assert.ok(view.equals(copy), `a held view of stream ${i} was rewritten`);
    });
  });
});
