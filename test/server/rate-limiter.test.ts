import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop } from '../../src/dispatch/index.js';
import { DatagramServer } from '../../src/server/datagram-server.js';
import { RateLimiter } from '../../src/server/rate-limiter.js';
import { AF_INET, SOCK_DGRAM, Socket, SocketTimeoutError } from '../../src/socket/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const strict = { perSecond: 1, burst: 3, exemptLoopback: false } as const;

function allowed(limiter: RateLimiter, address: string, count: number, now = 0): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (limiter.allow(address, now)) n++;
  return n;
}

test('RateLimiter: an address evicted from a full table comes back limited, not with a fresh burst', () => {
  const limiter = new RateLimiter({ ...strict, maxAddresses: 2 });
  assert.equal(allowed(limiter, '192.0.2.1', 5), 3);
  // Spoofed sources push the victim out of the table…
  allowed(limiter, '198.51.100.1', 1);
  allowed(limiter, '198.51.100.2', 1);
  // …and it must not get its burst back.
  assert.equal(allowed(limiter, '192.0.2.1', 5), 0);
  // It refills at the rate, as it would have if remembered.
  assert.equal(allowed(limiter, '192.0.2.1', 5, 1000), 1);
});

test('RateLimiter: forgetting only long-idle buckets loses nothing, so a new address gets the burst', () => {
  const limiter = new RateLimiter({ ...strict, maxAddresses: 1 });
  assert.equal(allowed(limiter, '192.0.2.1', 3, 0), 3);
  // 3 s later 192.0.2.1 would have a full bucket again: evicting it forgets nothing.
  assert.equal(allowed(limiter, '192.0.2.2', 5, 3000), 3);
  assert.equal(allowed(limiter, '192.0.2.1', 5, 6000), 3);
});

test('RateLimiter: every address of one IPv6 /64 shares one bucket; IPv4-mapped is its IPv4', () => {
  const limiter = new RateLimiter(strict);
  assert.equal(allowed(limiter, '2001:db8:1:2::1', 2), 2);
  assert.equal(allowed(limiter, '2001:db8:1:2:ffff::7', 5), 1);
  assert.equal(allowed(limiter, '2001:db8:1:3::1', 5), 3, 'another /64 is another client');
  assert.equal(allowed(limiter, '192.0.2.9', 2), 2);
  assert.equal(allowed(limiter, '::ffff:192.0.2.9', 5), 1);
});

test('RateLimiter refuses a table of no addresses', () => {
  assert.throws(() => new RateLimiter({ ...strict, maxAddresses: 0 }), RangeError);
});

/** Sends `count` datagrams from `client` and waits until the server has read them all. */
async function burst(
  server: DatagramServer,
  client: Socket,
  count: number,
  tag: string,
): Promise<void> {
  const before = server.received;
  for (let i = 0; i < count; i++) {
    await client.sendto(`${tag}${i}`, ['127.0.0.1', server.boundAddress[1]]);
  }
  for (let i = 0; i < 500 && server.received < before + count; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(server.received, before + count, 'every datagram reached the server');
}

/** Reads answers until none comes for half a second. */
async function answers(client: Socket): Promise<string[]> {
  const got: string[] = [];
  client.settimeout(0.5);
  for (;;) {
    try {
      const [data] = await client.recvfrom(100);
      got.push(data.toString());
    } catch (err) {
      if (err instanceof SocketTimeoutError) return got;
      throw err;
    }
  }
}

test('UDP echo keeps a client limited after spoofed-looking traffic from another address evicts it', async () => {
  const map = new Map();
  const clock = new ManualClock(1_000_000);
  const server = await DatagramServer.open({
    address: ['127.0.0.1', 0],
    handler: (data) => data,
    rate: { ...strict, maxAddresses: 1 },
    clock,
    map,
  });
  const running = loop({ map });
  const victim = new Socket(AF_INET, SOCK_DGRAM);
  const other = new Socket(AF_INET, SOCK_DGRAM);
  try {
    await victim.bind(['127.0.0.1', 0]);
    // Linux routes all of 127/8 to loopback: a second source address without any setup.
    await other.bind(['127.0.0.2', 0]);
    await burst(server, victim, 5, 'a');
    await burst(server, other, 1, 'b');
    await burst(server, victim, 5, 'c');
    assert.deepEqual(await answers(victim), ['a0', 'a1', 'a2']);
    assert.equal(server.refused, 8);
  } finally {
    victim.close();
    other.close();
    server.close();
    await running;
  }
});
