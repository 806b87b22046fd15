import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import { routeHandler, startHttpService, staticFiles } from '../../../src/protocols/http/index.js';
import { ChannelTransport } from '../../../src/server/channel-transport.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import { createConnection, type Socket } from '../../../src/socket/index.js';

/** Descriptors this process (which runs the server) holds now. */
function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** The server side of the connections in `map`: the transports the HTTP handlers drive. */
function serverChannels(map: SocketMap): ChannelTransport[] {
  return [...map.values()].filter((c): c is ChannelTransport => c instanceof ChannelTransport);
}

/** One response read off the wire: status, Content-Length framed body. */
interface Parsed {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * Reads `count` Content-Length framed responses in order, handing each to `check` as it
 * completes (so 3,000 bodies are never held at once).
 */
async function readResponses(
  sock: Socket,
  count: number,
  check: (response: Parsed, index: number) => void,
): Promise<void> {
  sock.settimeout(60);
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  let want: { status: number; length: number; headEnd: number } | null = null;
  while (index < count) {
    if (want === null) {
      const end = pending.indexOf('\r\n\r\n');
      if (end !== -1) {
        const head = pending.subarray(0, end).toString('latin1');
        const status = Number(head.slice(9, 12));
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? Number.NaN);
        assert.ok(Number.isInteger(length), `response ${index} has no Content-Length: ${head}`);
        want = { status, length, headEnd: end + 4 };
      }
    }
    if (want !== null && pending.length >= want.headEnd + want.length) {
      const body = pending.subarray(want.headEnd, want.headEnd + want.length);
      pending = pending.subarray(want.headEnd + want.length);
      check({ status: want.status, body }, index++);
      want = null;
      continue;
    }
    const data = await sock.recv(1 << 20);
    if (data.length === 0) throw new Error(`end of stream after ${index} of ${count} responses`);
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
  }
}

test('a client pipelining 3,000 file GETs without reading holds few descriptors and bounded output, then gets every response in order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'polyport-backpressure-'));
  const file = randomBytes(128 * 1024);
  writeFileSync(join(root, 'big.bin'), file);
  const map: SocketMap = new Map();
  const limit = 1024 * 1024;
  const service = await startHttpService({
    address: ['127.0.0.1', 0],
    handlers: [
      routeHandler('GET', '/n/*', (request, response) => response.send(request.path.slice(3))),
      staticFiles({ root }),
    ],
    limits: { ...DEFAULT_LIMITS, maxPendingOutput: limit },
    map,
  });
  const running = loop({ map, timeout: 1 });
  const port = service.listener.boundAddress[1];
  const baseline = openDescriptors();
  let flooder: Socket | null = null;
  let other: Socket | null = null;
  try {
    flooder = await createConnection(['127.0.0.1', port], 10);
    // Every other request a file (128 KiB), every other one numbered, to check the order.
    const requests: string[] = [];
    for (let i = 0; i < 3000; i++) {
      requests.push(
        i % 2 === 0
          ? 'GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n'
          : `GET /n/${i} HTTP/1.1\r\nHost: t\r\n\r\n`,
      );
    }
    // Not awaited: once the server stops reading, the kernel buffers fill and sendall waits.
    const sending = flooder.sendall(requests.join(''));
    sending.catch(() => {});

    // Watch the server while the client reads nothing, until its output stops moving (the
    // kernel buffers are full and the server holds back): up to 60 s on a loaded machine.
    let maxDescriptors = 0;
    let maxQueued = 0;
    let sawChannel = false;
    let last = -1;
    let still = 0;
    for (let round = 0; round < 2400 && still < 40; round++) {
      await sleep(25);
      maxDescriptors = Math.max(maxDescriptors, openDescriptors());
      let moved = 0;
      for (const channel of serverChannels(map)) {
        sawChannel = true;
        maxQueued = Math.max(maxQueued, channel.queuedBytes);
        moved += channel.bytesOut + channel.queuedBytes;
      }
      still = sawChannel && moved === last ? still + 1 : 0;
      last = moved;
    }
    assert.ok(sawChannel, 'the server accepted the connection');
    for (const channel of serverChannels(map)) {
      assert.equal(channel.readable(), false, 'the stalled connection is not read');
    }
    assert.ok(maxQueued >= limit, `the server answered until the bound (${maxQueued} queued)`);
    // The bound, plus at most the response that took the queue over it.
    assert.ok(
      maxQueued <= limit + file.length + 1024,
      `queued output ${maxQueued} bytes, over the ${limit} byte bound`,
    );
    assert.ok(
      maxDescriptors <= baseline + 16,
      `${maxDescriptors} descriptors open (baseline ${baseline})`,
    );

    // Another client is served meanwhile.
    other = await createConnection(['127.0.0.1', port], 10);
    await other.sendall('GET /n/other HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    await readResponses(other, 1, (r) => {
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), 'other');
    });

    // Now the client reads: every response arrives, in order, intact.
    let files = 0;
    await readResponses(flooder, 3000, (r, i) => {
      assert.equal(r.status, 200, `response ${i}`);
      if (i % 2 === 0) {
        assert.ok(r.body.equals(file), `response ${i} is the file, intact`);
        files++;
      } else assert.equal(r.body.toString(), String(i), `response ${i} in order`);
    });
    assert.equal(files, 1500);
    await sending;
  } finally {
    flooder?.close();
    other?.close();
    service.close();
    closeAll(map, true);
    await running;
    rmSync(root, { recursive: true, force: true });
  }
});
