import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop } from '../../src/dispatch/index.js';
import { createQuery, encodeMessage, RRType } from '../../src/protocols/dns/index.js';
import { DatagramServer } from '../../src/server/datagram-server.js';
import { AF_INET, SOCK_DGRAM, Socket } from '../../src/socket/index.js';
import { startLive } from '../protocols/dns/live-server.js';

/** Waits until `done()` holds (bounded: a hung test fails). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), 'the condition never held');
}

test('DatagramServer counts every byte it receives and sends, refused datagrams included', async () => {
  const map = new Map();
  const moved = { in: 0, out: 0 };
  const server = await DatagramServer.open({
    address: ['127.0.0.1', 0],
    handler: (data) => (data.toString() === 'quiet' ? null : Buffer.concat([data, data])),
    rate: { perSecond: 1, burst: 2, exemptLoopback: false },
    observer: {
      transferred: (bytesIn, bytesOut) => {
        moved.in += bytesIn;
        moved.out += bytesOut;
      },
    },
    map,
  });
  const running = loop({ map });
  const client = new Socket(AF_INET, SOCK_DGRAM);
  try {
    const to: [string, number] = ['127.0.0.1', server.boundAddress[1]];
    await client.sendto('abc', to); // answered: 3 in, 6 out
    await client.sendto('quiet', to); // no reply: 5 in
    await client.sendto('refused!', to); // over the rate: 8 in, refused
    await until(() => server.received === 3);
    assert.deepEqual(moved, { in: 16, out: 6 });
    assert.equal(server.refused, 1);
  } finally {
    client.close();
    server.close();
    await running;
  }
});

test('a DNS service reports the bytes of its UDP queries and answers', async () => {
  const moved = { in: 0, out: 0 };
  const live = await startLive({
    observer: {
      transferred: (bytesIn, bytesOut) => {
        moved.in += bytesIn;
        moved.out += bytesOut;
      },
    },
  });
  const client = new Socket(AF_INET, SOCK_DGRAM);
  try {
    const query = encodeMessage(createQuery('www.example.test', RRType.A, { id: 7 }));
    await client.sendto(query, ['127.0.0.1', live.port]);
    client.settimeout(5);
    const [answer] = await client.recvfrom(4096);
    await until(() => moved.out > 0);
    assert.deepEqual(moved, { in: query.length, out: answer.length });
  } finally {
    client.close();
    await live.stop();
  }
});
