import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveConfig, parseOverrides } from '../../src/host/config/index.js';
import { serve } from '../../src/host/index.js';
import {
  createQuery,
  encodeMessage,
  Rcode,
  RRType,
  Zone,
  ZoneSet,
} from '../../src/protocols/dns/index.js';
import { startLive, udpAsk } from '../protocols/dns/live-server.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';

test('dns.allowRecursion defaults to loopback and the private ranges and checks its entries', () => {
  assert.deepEqual(effectiveConfig({}).dns.allowRecursion, [
    '127.0.0.0/8',
    '::1',
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    'fc00::/7',
    'fe80::/10',
  ]);
  const set = effectiveConfig({}, { sets: ['dns.allowRecursion=192.0.2.0/24,2001:db8::/32'] });
  assert.deepEqual(set.dns.allowRecursion, ['192.0.2.0/24', '2001:db8::/32']);
  for (const bad of ['10.0.0.0/33', 'example.test', '10.0.0/8', '::/129']) {
    const { issues } = parseOverrides([`dns.allowRecursion=${bad}`]);
    assert.equal(issues.length, 1, bad);
    assert.match(issues[0]!.message, /an IP address or CIDR range/);
  }
});

test('serve() forwards only for clients in dns.allowRecursion', async () => {
  const upstream = await startLive({
    zones: new ZoneSet([
      Zone.fromText('@ 60 SOA ns h 1 2 3 4 60\n@ 60 NS ns\nns 60 A 127.0.0.1\n', {
        origin: 'upstream.test',
      }),
    ]),
  });
  const [host, port] = upstream.address;
  const query = encodeMessage(createQuery('ns.upstream.test', RRType.A, { id: 3 }));
  try {
    for (const [allow, rcode] of [
      ['10.0.0.0/8', Rcode.REFUSED],
      ['127.0.0.1', Rcode.NOERROR],
    ] as const) {
      const served = await serve({
        config: testConfig([`dns.forwarders=${host}:${port}`, `dns.allowRecursion=${allow}`]),
        logger: memoryLogger().logger,
      });
      try {
        const reply = await udpAsk(portOf(served, 'dns', 'udp'), query);
        assert.equal(reply.rcode, rcode, allow);
      } finally {
        await served.stop(500);
      }
    }
    assert.equal(upstream.queries.length, 1, 'only the allowed client was forwarded for');
  } finally {
    await upstream.stop();
  }
});
