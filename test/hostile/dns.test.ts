/**
 * Hostile peers against DNS over TCP and UDP: silent, slow, garbage, resets, half-close, a
 * client that pipelines queries and never reads, and floods of datagrams from one address
 * (another address is still answered).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { dnsQuery, dnsTcpQuery, hostileSuite, SERVER_ACTS_WITHIN } from './support/hostile-host.js';
import { garbage } from './support/raw-client.js';

const hostileCase = hostileSuite(['dns']);

hostileCase('dns-tcp', 'silent', 'a client that never sends a query is closed', async (t) => {
  const client = await t.connect('dns');
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('dns-tcp', 'slowloris', 'a query sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('dns', { toServer: { dribble: { bytes: 1, everyMs: 200 } } });
  const client = await t.connect(proxy.port);
  client.write(dnsTcpQuery(1));
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase(
  'dns-tcp',
  'slowloris',
  'a length prefix with too few bytes behind it is cut off',
  async (t) => {
    const client = await t.connect('dns');
    client.write(Buffer.concat([Buffer.from([0, 200]), dnsQuery(2).subarray(0, 10)]));
    await client.closedByServer(SERVER_ACTS_WITHIN);
  },
);

hostileCase('dns-tcp', 'garbage', 'random bytes get FORMERR or a close', async (t) => {
  const client = await t.connect('dns');
  client.write(garbage(4096, 6));
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

for (const offset of [1, 10]) {
  hostileCase('dns-tcp', 'reset-request', `a query reset after ${offset} bytes`, async (t) => {
    const proxy = await t.proxy('dns', { toServer: { resetAt: offset } });
    const client = await t.connect(proxy.port);
    client.write(dnsTcpQuery(3));
    await client.closedByServer();
  });
}

hostileCase('dns-tcp', 'reset-download', 'answers reset after 10 bytes', async (t) => {
  const proxy = await t.proxy('dns', { toClient: { resetAt: 10 } });
  const client = await t.connect(proxy.port);
  for (let id = 0; id < 100; id++) client.write(dnsTcpQuery(id));
  await client.closedByServer();
});

hostileCase(
  'dns-tcp',
  'half-close',
  'queries followed by a FIN are all answered, then closed',
  async (t) => {
    const client = await t.connect('dns');
    client.end(Buffer.concat([dnsTcpQuery(11), dnsTcpQuery(12)]));
    await client.closedByServer(SERVER_ACTS_WITHIN);
    const first = client.received;
    assert.equal(first.readUInt16BE(2), 11);
    assert.equal(first.readUInt16BE(2 + 2 + first.readUInt16BE(0)), 12);
  },
);

hostileCase(
  'dns-tcp',
  'never-reads',
  'pipelined queries from a client that never reads stay bounded',
  async (t) => {
    const proxy = await t.proxy('dns', { toClient: { stallAt: 0 } });
    const client = await t.connect(proxy.port);
    const queries = Buffer.concat(Array.from({ length: 20_000 }, (_, id) => dnsTcpQuery(id)));
    client.write(queries);
  },
);

hostileCase('dns-udp', 'garbage', 'random datagrams are dropped or answered FORMERR', async (t) => {
  const udp = createSocket('udp4');
  try {
    for (let i = 0; i < 200; i++) {
      udp.send(garbage(1 + (i % 600), i + 7), t.h.port('dns', 'udp'), '127.0.0.1');
    }
    // The last one is a real query: it is answered after the garbage.
    udp.send(dnsQuery(99), t.h.port('dns', 'udp'), '127.0.0.1');
    await new Promise<void>((resolve) =>
      udp.on('message', (msg: Buffer) => {
        if (msg.length >= 2 && msg.readUInt16BE(0) === 99) resolve();
      }),
    );
  } finally {
    udp.close();
  }
});

hostileCase(
  'dns-udp',
  'flood',
  'a flood from one address leaves another address answered',
  async (t) => {
    // 127.0.0.2 is loopback too: the per-address rate limit keeps the probe (127.0.0.1) apart.
    const udp = createSocket('udp4');
    try {
      udp.bind(0, '127.0.0.2');
      await once(udp, 'listening');
      let answers = 0;
      udp.on('message', () => answers++);
      const query = dnsQuery(5);
      for (let i = 0; i < 10_000; i++) udp.send(query, t.h.port('dns', 'udp'), '127.0.0.1');
      await new Promise((r) => setImmediate(r));
      assert.ok(answers <= 10_000);
    } finally {
      udp.close();
    }
  },
);

hostileCase(
  'dns-udp',
  'drop-duplicate',
  'duplicated and dropped queries leave the server answering',
  async (t) => {
    const proxy = await t.udpProxy('dns', {
      toServer: { duplicate: (i) => i % 2 === 0, drop: (i) => i % 5 === 4 },
    });
    const udp = createSocket('udp4');
    try {
      const ids = new Set<number>();
      udp.on('message', (msg: Buffer) => ids.add(msg.readUInt16BE(0)));
      // A client that retries unanswered queries, as resolvers do, gets every answer: a query
      // the proxy dropped is sent again, and UDP may also lose one while the server is still
      // working through the previous case's flood (node:dgram drains more slowly than
      // recvmmsg). The deadline only ends a hung case.
      const deadline = Date.now() + 20_000;
      while (ids.size < 10) {
        assert.ok(Date.now() < deadline, `answers to ${ids.size} of 10 queries after 20 s`);
        for (let id = 0; id < 10; id++) {
          if (!ids.has(id)) udp.send(dnsQuery(id), proxy.port, '127.0.0.1');
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(proxy.toServer.dropped >= 2, `${proxy.toServer.dropped} dropped`);
    } finally {
      udp.close();
    }
  },
);
