import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createQuery,
  type DnsMessage,
  encodeMessage,
  Rcode,
  RRType,
} from '../../../src/protocols/dns/index.js';
import { type LiveServer, startLive, tcpAsk, udpAsk } from './live-server.js';
import { type LyingUpstream, startLyingUpstream } from './lying-upstream.js';

const SOA_EVIL = 'evil.test. 300 IN SOA ns.evil.test. hostmaster.evil.test. 1 3600 600 86400 300';
const SOA_VICTIM =
  'victim.test. 300 IN SOA ns.victim.test. hostmaster.victim.test. 1 3600 600 86400 300';

/**
 * What the upstream says: each answer carries, beside the truth, records for names that were
 * not asked about — the cache-poisoning attempt a forwarder must not swallow.
 */
const SCRIPT = {
  'www.evil.test': {
    answers: `www.evil.test. 300 IN A 192.0.2.1
www.victim.test. 300 IN A 203.0.113.66`,
    authorities: `evil.test. 300 IN NS ns.evil.test.
victim.test. 300 IN NS ns.evil.test.
www.victim.test. 300 IN A 203.0.113.66`,
    additionals: `ns.evil.test. 300 IN A 192.0.2.53
ns.victim.test. 300 IN A 203.0.113.66
mail.victim.test. 300 IN A 203.0.113.66`,
  },
  'alias.evil.test': {
    answers: `alias.evil.test. 300 IN CNAME www.other.test.
www.other.test. 300 IN A 192.0.2.2
bank.victim.test. 300 IN A 203.0.113.66
www.other.test. 300 IN TXT "a type not asked for"`,
  },
  'none.evil.test': { rcode: Rcode.NXDOMAIN, authorities: SOA_EVIL },
  'gone.evil.test': { rcode: Rcode.NXDOMAIN, authorities: SOA_VICTIM },
  'empty.evil.test': { authorities: SOA_VICTIM },
  'mx.evil.test': {
    answers: 'mx.evil.test. 300 IN MX 10 mail.mx.evil.test.',
    additionals: `mail.mx.evil.test. 300 IN A 192.0.2.25
mail.victim.test. 300 IN A 203.0.113.66`,
  },
} as const;

let upstream: LyingUpstream;
let front: LiveServer;
before(async () => {
  upstream = await startLyingUpstream(SCRIPT);
  front = await startLive({ forwarders: [upstream.address], forwarding: { timeout: 1 } });
});
after(async () => {
  await front.stop();
  await upstream.stop();
});

const ask = (name: string, type: number = RRType.A, id = 77): Buffer =>
  encodeMessage(createQuery(name, type, { id }));

const asked = (name: string): number => upstream.asked.filter((n) => n === name).length;

/** Every owner name in every section of a reply. */
const owners = (reply: DnsMessage): string[] =>
  [...reply.answers, ...reply.authorities, ...reply.additionals].map((r) => r.name);

test('records for names not asked about are neither relayed nor cached', async () => {
  // The first answer comes from the upstream, the second (over TCP) from the cache.
  for (const send of [udpAsk, tcpAsk]) {
    const reply = await send(front.port, ask('www.evil.test'));
    assert.ok(!owners(reply).some((n) => n.endsWith('victim.test')), owners(reply).join());
    assert.equal(reply.rcode, Rcode.NOERROR);
    assert.deepEqual(
      reply.answers.map((r) => [r.name, r.data]),
      [['www.evil.test', { kind: 'A', address: '192.0.2.1' }]],
    );
    if (send === tcpAsk) continue;
    // The NS of evil.test and its glue stay; the victim's NS, A and glue go.
    assert.deepEqual(
      reply.authorities.map((r) => [r.name, r.type]),
      [['evil.test', RRType.NS]],
    );
    assert.deepEqual(
      reply.additionals.map((r) => r.name),
      ['ns.evil.test'],
    );
  }
  assert.equal(asked('www.evil.test'), 1);
  const cache = front.service.forwarder?.cache;
  assert.equal(cache?.get('www.victim.test', RRType.A), null);
  assert.equal(cache?.get('ns.victim.test', RRType.A), null);
  // The next question for the planted name goes upstream (which refuses it): nothing planted.
  const victim = await udpAsk(front.port, ask('www.victim.test'));
  assert.equal(asked('www.victim.test'), 2, 'asked upstream, both rounds');
  assert.equal(victim.rcode, Rcode.SERVFAIL);
  assert.equal(victim.answers.length, 0);
});

test('a CNAME chain is kept, records beside it for other names or types are not', async () => {
  const reply = await udpAsk(front.port, ask('alias.evil.test'));
  assert.deepEqual(
    reply.answers.map((r) => [r.name, r.type]),
    [
      ['alias.evil.test', RRType.CNAME],
      ['www.other.test', RRType.A],
    ],
  );
  assert.equal(front.service.forwarder?.cache?.get('bank.victim.test', RRType.A), null);
  const before = asked('alias.evil.test');
  const again = await udpAsk(front.port, ask('alias.evil.test', RRType.A, 78));
  assert.equal(asked('alias.evil.test'), before, 'the chain itself was cached');
  assert.equal(again.answers.length, 2);
});

test('glue is relayed only for names the answer points to', async () => {
  const reply = await udpAsk(front.port, ask('mx.evil.test', RRType.MX));
  assert.deepEqual(
    reply.additionals.map((r) => r.name),
    ['mail.mx.evil.test'],
  );
});

test('NXDOMAIN is cached with an SOA of an enclosing zone', async () => {
  const first = await udpAsk(front.port, ask('none.evil.test'));
  assert.equal(first.rcode, Rcode.NXDOMAIN);
  assert.equal(first.authorities[0]?.name, 'evil.test');
  const before = asked('none.evil.test');
  const second = await udpAsk(front.port, ask('none.evil.test', RRType.AAAA));
  assert.equal(second.rcode, Rcode.NXDOMAIN);
  assert.equal(asked('none.evil.test'), before, 'answered from the cache');
});

test('NXDOMAIN with the SOA of an unrelated zone is relayed without it and not cached', async () => {
  const first = await udpAsk(front.port, ask('gone.evil.test'));
  assert.equal(first.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(first.authorities, []);
  assert.equal(front.service.forwarder?.cache?.get('gone.evil.test', RRType.A), null);
  const before = asked('gone.evil.test');
  await udpAsk(front.port, ask('gone.evil.test', RRType.A, 79));
  assert.equal(asked('gone.evil.test'), before + 1, 'asked upstream again');
});

test('NODATA with the SOA of an unrelated zone is not cached', async () => {
  const first = await tcpAsk(front.port, ask('empty.evil.test'));
  assert.equal(first.rcode, Rcode.NOERROR);
  assert.deepEqual(first.authorities, []);
  const before = asked('empty.evil.test');
  await tcpAsk(front.port, ask('empty.evil.test', RRType.A, 80));
  assert.equal(asked('empty.evil.test'), before + 1, 'asked upstream again');
});
