import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import {
  createQuery,
  DnsTcpFramer,
  decodeMessage,
  encodeMessage,
  frame,
  RRType,
  startDnsService,
  Zone,
  ZoneSet,
} from '../../../src/protocols/dns/index.js';
import { ChannelTransport } from '../../../src/server/channel-transport.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import { createConnection, type Socket } from '../../../src/socket/index.js';

/** A zone whose `big` TXT answer is about 50 KB: 1,000 of them are 50 MB. */
function bigZone(): Zone {
  const strings = Array.from(
    { length: 200 },
    (_, i) => `"${String(i).padStart(3, '0')}${'t'.repeat(240)}"`,
  );
  return Zone.fromText(
    `$ORIGIN flood.test.
$TTL 300
@    SOA ns1 hostmaster 1 3600 600 86400 300
@    NS  ns1
ns1  A   127.0.0.1
big  TXT ( ${strings.join(' ')} )
`,
    { origin: 'flood.test' },
  );
}

/** Reads `count` framed DNS messages in order, handing each to `check`. */
async function readAnswers(
  sock: Socket,
  count: number,
  check: (message: Buffer, index: number) => void,
): Promise<void> {
  sock.settimeout(60);
  const framer = new DnsTcpFramer();
  let index = 0;
  while (index < count) {
    const ev = framer.nextEvent();
    if (ev?.type === 'message') {
      check(ev.message, index++);
      continue;
    }
    assert.equal(ev, null, 'answers are well framed');
    const data = await sock.recv(1 << 20);
    if (data.length === 0) throw new Error(`end of stream after ${index} of ${count} answers`);
    framer.receiveData(data);
  }
}

test('1,000 TCP queries in one write from a client that reads nothing are taken one message at a time within the output bound, then all answered in order', async () => {
  const map: SocketMap = new Map();
  const limit = 1024 * 1024;
  const service = await startDnsService({
    address: ['127.0.0.1', 0],
    zones: new ZoneSet([bigZone()]),
    limits: { ...DEFAULT_LIMITS, maxPendingOutput: limit },
    map,
  });
  const running = loop({ map, timeout: 1 });
  const baseline = readdirSync('/proc/self/fd').length;
  let flooder: Socket | null = null;
  let other: Socket | null = null;
  try {
    flooder = await createConnection(['127.0.0.1', service.port], 10);
    const queries = Array.from({ length: 1000 }, (_, i) =>
      frame(encodeMessage(createQuery('big.flood.test', RRType.TXT, { id: i }))),
    );
    // About 35 KB: one write, which the server takes in one read.
    await flooder.sendall(Buffer.concat(queries));

    // Watch until the server's output stops moving (the kernel buffers are full).
    let maxQueued = 0;
    let maxDescriptors = 0;
    let channel: ChannelTransport | undefined;
    let last = -1;
    let still = 0;
    for (let round = 0; round < 2400 && still < 40; round++) {
      await sleep(25);
      channel ??= [...map.values()].find((c) => c instanceof ChannelTransport);
      if (channel === undefined) continue;
      maxQueued = Math.max(maxQueued, channel.queuedBytes);
      maxDescriptors = Math.max(maxDescriptors, readdirSync('/proc/self/fd').length);
      const moved = channel.bytesOut + channel.queuedBytes;
      still = moved === last ? still + 1 : 0;
      last = moved;
    }
    assert.ok(channel !== undefined, 'the server accepted the connection');
    assert.equal(channel.bytesIn, 1000 * queries[0]!.length, 'every query was read');
    assert.equal(channel.readable(), false, 'the stalled connection is not read');
    assert.ok(maxQueued >= limit, `the server answered up to the bound (${maxQueued} queued)`);
    // The bound, plus the one answer (about 50 KB) that took the queue over it.
    assert.ok(maxQueued <= limit + 64 * 1024, `queued ${maxQueued} bytes, bound ${limit}`);
    assert.ok(
      maxDescriptors <= baseline + 16,
      `${maxDescriptors} descriptors (baseline ${baseline})`,
    );

    // Another client is answered meanwhile.
    other = await createConnection(['127.0.0.1', service.port], 10);
    await other.sendall(frame(encodeMessage(createQuery('ns1.flood.test', RRType.A, { id: 7 }))));
    await readAnswers(other, 1, (message) => assert.equal(decodeMessage(message).id, 7));

    await readAnswers(flooder, 1000, (message, i) => {
      const answer = decodeMessage(message);
      assert.equal(answer.id, i, 'in order');
      const txt = answer.answers[0]?.data;
      assert.ok(txt?.kind === 'TXT' && txt.strings.length === 200, `answer ${i} whole`);
    });
  } finally {
    flooder?.close();
    other?.close();
    service.close();
    closeAll(map, true);
    await running;
  }
});
