import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createQuery,
  DnsTimeoutError,
  encodeMessage,
  Forwarder,
  Rcode,
  RRType,
  Zone,
  ZoneSet,
} from '../../../src/protocols/dns/index.js';
import { ManualClock } from '../../../src/testing/index.js';
import { type LiveServer, silentPort, startLive, tcpAsk, udpAsk } from './live-server.js';

/** The zone the upstream serves: a record, a short-lived one, and an answer too big for UDP. */
const UPSTREAM_ZONE = `$ORIGIN upstream.test.
$TTL 600
@      SOA ns hostmaster 7 3600 600 86400 60
@      NS  ns
ns     A   127.0.0.1
www    A   192.0.2.10
brief  30 A 192.0.2.11
big    TXT ${Array.from({ length: 24 }, (_, i) => `"${String(i).padStart(2, '0')} ${'y'.repeat(57)}"`).join(' ')}
`;

let upstream: LiveServer;
let front: LiveServer;
before(async () => {
  upstream = await startLive({
    zones: new ZoneSet([Zone.fromText(UPSTREAM_ZONE, { origin: 'upstream.test' })]),
  });
  front = await startLive({ forwarders: [upstream.address], forwarding: { timeout: 1 } });
});
after(async () => {
  await front.stop();
  await upstream.stop();
});

const ask = (name: string, type: number, id = 4242, edns = false): Buffer =>
  encodeMessage(createQuery(name, type, { id, ...(edns ? { ednsPayloadSize: 1232 } : {}) }));

const upstreamQueries = (name: string): number =>
  upstream.queries.filter((q) => q.name === name).length;

test('the server forwards names outside its zones and sets RA', async () => {
  const reply = await udpAsk(front.port, ask('www.upstream.test', RRType.A, 11));
  assert.equal(reply.id, 11);
  assert.equal(reply.rcode, Rcode.NOERROR);
  assert.ok(reply.ra && !reply.aa);
  assert.deepEqual(
    reply.answers.map((r) => r.data),
    [{ kind: 'A', address: '192.0.2.10' }],
  );
});

test('the forwarding server still answers its own zones authoritatively', async () => {
  const reply = await udpAsk(front.port, ask('www.example.test', RRType.A));
  assert.ok(reply.aa && reply.ra);
});

test('a forwarded answer is cached: the second query does not reach the upstream', async () => {
  await udpAsk(front.port, ask('ns.upstream.test', RRType.A));
  const asked = upstreamQueries('ns.upstream.test');
  const again = await udpAsk(front.port, ask('NS.Upstream.TEST', RRType.A, 12));
  assert.equal(upstreamQueries('ns.upstream.test'), asked);
  assert.equal(again.answers.length, 1);
  assert.equal(again.questions[0]?.name, 'NS.Upstream.TEST', 'the client gets its own question');
  const line = front.queries.findLast((q) => q.name === 'NS.Upstream.TEST');
  assert.equal(line?.source, 'cache');
});

test('NXDOMAIN from the upstream is cached negatively with its SOA (RFC 2308)', async () => {
  const first = await udpAsk(front.port, ask('gone.upstream.test', RRType.A));
  assert.equal(first.rcode, Rcode.NXDOMAIN);
  const asked = upstreamQueries('gone.upstream.test');
  const second = await udpAsk(front.port, ask('gone.upstream.test', RRType.AAAA));
  assert.equal(second.rcode, Rcode.NXDOMAIN);
  assert.equal(second.authorities[0]?.type, RRType.SOA);
  assert.equal(upstreamQueries('gone.upstream.test'), asked, 'NXDOMAIN covers every type');
});

test('a truncated upstream answer is fetched again over TCP and reaches a TCP client whole', async () => {
  const udp = await udpAsk(front.port, ask('big.upstream.test', RRType.TXT));
  assert.ok(udp.tc, 'too big for the client over UDP');
  const tcp = await tcpAsk(front.port, ask('big.upstream.test', RRType.TXT));
  assert.ok(!tcp.tc);
  const txt = tcp.answers[0]?.data;
  assert.ok(txt?.kind === 'TXT' && txt.strings.length === 24);
  assert.ok(upstream.queries.some((q) => q.name === 'big.upstream.test' && q.transport === 'tcp'));
});

test('the server answers SERVFAIL when no upstream answers in time', async () => {
  const dead = await silentPort();
  const lonely = await startLive({
    forwarders: [['127.0.0.1', dead.port]],
    forwarding: { timeout: 0.2, rounds: 1 },
  });
  try {
    const reply = await udpAsk(lonely.port, ask('www.upstream.test', RRType.A, 5));
    assert.equal(reply.rcode, Rcode.SERVFAIL);
    assert.equal(reply.id, 5);
  } finally {
    await lonely.stop();
    dead.close();
  }
});

test('the forwarder moves on to the next upstream when one times out', async () => {
  const dead = await silentPort();
  const second = await startLive({
    forwarders: [['127.0.0.1', dead.port], upstream.address],
    forwarding: { timeout: 0.2 },
  });
  try {
    const reply = await udpAsk(second.port, ask('www.upstream.test', RRType.A));
    assert.equal(reply.rcode, Rcode.NOERROR);
    assert.equal(reply.answers.length, 1);
  } finally {
    await second.stop();
    dead.close();
  }
});

test('the forwarder sends every upstream attempt with a fresh random id', async () => {
  const ids: number[] = [];
  const forwarder = new Forwarder({
    upstreams: [
      ['127.0.0.1', 1],
      ['127.0.0.1', 2],
    ],
    rounds: 2,
    exchange: async (query) => {
      ids.push(query.id);
      throw new DnsTimeoutError('x', 'y', 1);
    },
  });
  const { response, source } = await forwarder.forward(createQuery('a.test', RRType.A, { id: 1 }));
  assert.equal(response.rcode, Rcode.SERVFAIL);
  assert.equal(source, 'failed');
  assert.equal(ids.length, 4);
  assert.ok(new Set(ids).size > 1, 'ids differ between attempts');
});

test('identical questions in flight share one upstream query', async () => {
  let calls = 0;
  const forwarder = new Forwarder({
    upstreams: [['127.0.0.1', 1]],
    exchange: async (query) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return {
        size: 0,
        response: {
          ...query,
          qr: true,
          answers: [
            {
              name: 'a.test',
              type: RRType.A,
              class: 1,
              ttl: 60,
              data: { kind: 'A', address: '192.0.2.1' },
            },
          ],
        },
      };
    },
  });
  const results = await Promise.all(
    [1, 2, 3].map((id) => forwarder.forward(createQuery('a.test', RRType.A, { id }))),
  );
  assert.equal(calls, 1);
  assert.deepEqual(
    results.map((r) => [r.response.id, r.response.answers.length]),
    [
      [1, 1],
      [2, 1],
      [3, 1],
    ],
  );
});

test('cached answers expire with their TTL on the injected clock', async () => {
  const clock = new ManualClock();
  let calls = 0;
  const forwarder = new Forwarder({
    upstreams: [['127.0.0.1', 1]],
    clock,
    exchange: async (query) => {
      calls++;
      const answer = {
        name: 'a.test',
        type: RRType.A,
        class: 1,
        ttl: 30,
        data: { kind: 'A', address: '192.0.2.1' } as const,
      };
      return { size: 0, response: { ...query, qr: true, answers: [answer] } };
    },
  });
  const q = createQuery('a.test', RRType.A);
  await forwarder.forward(q);
  clock.advance(29_000);
  const cached = await forwarder.forward(q);
  assert.equal(cached.source, 'cache');
  assert.equal(cached.response.answers[0]?.ttl, 1, 'the TTL counts down');
  clock.advance(1_000);
  assert.equal((await forwarder.forward(q)).source, 'upstream');
  assert.equal(calls, 2);
});

test('Forwarder rejects an empty upstream list and out-of-range settings', () => {
  assert.throws(() => new Forwarder({ upstreams: [] }), RangeError);
  assert.throws(() => new Forwarder({ upstreams: [['127.0.0.1', 53]], timeout: 0 }), RangeError);
  assert.throws(() => new Forwarder({ upstreams: [['127.0.0.1', 53]], rounds: 0 }), RangeError);
});
