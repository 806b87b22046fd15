import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  createQuery,
  type DnsMessage,
  decodeMessage,
  encodeMessage,
  formatRdata,
  frame,
  Opcode,
  Rcode,
  RRType,
} from '../../../src/protocols/dns/index.js';
import {
  type LiveServer,
  startLive,
  tcpAsk,
  tcpExchange,
  udpAsk,
  udpExchange,
} from './live-server.js';

let live: LiveServer;
before(async () => {
  live = await startLive();
});
after(() => live.stop());

const ask = (name: string, type: number, id = 4242, ednsPayloadSize?: number): Buffer =>
  encodeMessage(createQuery(name, type, { id, ...(ednsPayloadSize ? { ednsPayloadSize } : {}) }));

const data = (m: DnsMessage, section: 'answers' | 'authorities' | 'additionals' = 'answers') =>
  m[section].map((r) => `${r.name} ${r.type} ${formatRdata(r.data)}`);

const cases: Array<[string, number, string[]]> = [
  ['example.test', RRType.A, ['example.test 1 127.0.0.1']],
  ['www.example.test', RRType.AAAA, ['www.example.test 28 ::1']],
  ['example.test', RRType.NS, ['example.test 2 ns1.example.test.']],
  [
    'example.test',
    RRType.SOA,
    ['example.test 6 ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300'],
  ],
  ['example.test', RRType.MX, ['example.test 15 10 mail.example.test.']],
  ['example.test', RRType.TXT, ['example.test 16 "v=spf1 -all"']],
  ['example.test', RRType.CAA, ['example.test 257 0 issue "example.test"']],
  [
    '_http._tcp.example.test',
    RRType.SRV,
    ['_http._tcp.example.test 33 0 5 10080 www.example.test.'],
  ],
  ['alias.example.test', RRType.CNAME, ['alias.example.test 5 www.example.test.']],
];

for (const transport of ['udp', 'tcp'] as const) {
  const send = transport === 'udp' ? udpAsk : tcpAsk;
  for (const [name, type, expected] of cases) {
    test(`the server answers ${name} ${type} authoritatively over ${transport}`, async () => {
      const reply = await send(live.port, ask(name, type));
      assert.equal(reply.id, 4242);
      assert.equal(reply.rcode, Rcode.NOERROR);
      assert.ok(reply.aa && reply.qr && !reply.tc);
      assert.deepEqual(data(reply), expected);
    });
  }
}

test('the server follows a CNAME chain inside the zone', async () => {
  const reply = await udpAsk(live.port, ask('alias.example.test', RRType.A));
  assert.deepEqual(data(reply), [
    'alias.example.test 5 www.example.test.',
    'www.example.test 1 127.0.0.1',
  ]);
});

test('the server answers NXDOMAIN with the SOA in the authority section', async () => {
  const reply = await udpAsk(live.port, ask('nope.example.test', RRType.A));
  assert.equal(reply.rcode, Rcode.NXDOMAIN);
  assert.ok(reply.aa);
  assert.deepEqual(reply.answers, []);
  assert.equal(reply.authorities[0]?.type, RRType.SOA);
});

test('the server answers NODATA as NOERROR with no answer and the SOA', async () => {
  const reply = await udpAsk(live.port, ask('www.example.test', RRType.MX));
  assert.equal(reply.rcode, Rcode.NOERROR);
  assert.deepEqual(reply.answers, []);
  assert.equal(reply.authorities[0]?.type, RRType.SOA);
});

test('the server synthesises wildcard answers under the asked name', async () => {
  const reply = await udpAsk(live.port, ask('anything.wild.example.test', RRType.A));
  assert.deepEqual(data(reply), ['anything.wild.example.test 1 127.0.0.2']);
});

test('the server answers below a delegation with a referral and glue, AA clear', async () => {
  const reply = await udpAsk(live.port, ask('www.sub.example.test', RRType.A));
  assert.equal(reply.rcode, Rcode.NOERROR);
  assert.ok(!reply.aa);
  assert.deepEqual(data(reply, 'authorities'), ['sub.example.test 2 ns.sub.example.test.']);
  assert.deepEqual(data(reply, 'additionals'), ['ns.sub.example.test 1 127.0.0.3']);
});

test('the server refuses names outside its zones when it has no forwarders', async () => {
  const reply = await udpAsk(live.port, ask('example.org', RRType.A));
  assert.equal(reply.rcode, Rcode.REFUSED);
  assert.ok(!reply.ra);
});

test('the server answers an unknown opcode with NOTIMP', async () => {
  const query = { ...createQuery('example.test', RRType.SOA, { id: 9 }), opcode: Opcode.STATUS };
  const reply = await udpAsk(live.port, encodeMessage(query));
  assert.equal(reply.rcode, Rcode.NOTIMP);
  assert.equal(reply.id, 9);
});

test('the server answers a malformed query with FORMERR', async () => {
  const bytes = ask('www.example.test', RRType.A, 77).subarray(0, 20);
  const reply = await udpAsk(live.port, bytes);
  assert.equal(reply.rcode, Rcode.FORMERR);
  assert.equal(reply.id, 77);
});

test('the server echoes EDNS with its payload size in an OPT record', async () => {
  const reply = await udpAsk(live.port, ask('www.example.test', RRType.A, 1, 4096));
  assert.equal(reply.edns?.udpPayloadSize, 1232);
  assert.equal(reply.edns?.version, 0);
  const plain = await udpAsk(live.port, ask('www.example.test', RRType.A));
  assert.equal(plain.edns, null);
});

test('the server truncates an answer over 512 bytes on UDP and sends it whole over TCP', async () => {
  const raw = await udpExchange(live.port, ask('big.example.test', RRType.TXT));
  assert.ok(raw !== null && raw.length <= 512);
  const cut = decodeMessage(raw);
  assert.ok(cut.tc);
  assert.deepEqual(cut.answers, []);
  const whole = await tcpAsk(live.port, ask('big.example.test', RRType.TXT));
  assert.ok(!whole.tc);
  const txt = whole.answers[0]?.data;
  assert.ok(txt?.kind === 'TXT' && txt.strings.length === 20);
});

test('the server fits a big answer into a large enough EDNS size without truncating', async () => {
  const reply = await udpAsk(live.port, ask('big.example.test', RRType.TXT, 3, 4096));
  assert.ok(!reply.tc);
  assert.equal(reply.answers.length, 1);
});

test('the server answers pipelined TCP queries split at odd offsets, in order', async () => {
  const names = ['example.test', 'www.example.test', 'mail.example.test', 'nope.example.test'];
  const stream = Buffer.concat(names.map((n, i) => frame(ask(n, RRType.A, 100 + i))));
  const cuts = [1, 3, 14, 15, 40, 41, 77, stream.length - 1];
  const chunks: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    chunks.push(stream.subarray(at, cut));
    at = cut;
  }
  const replies = (await tcpExchange(live.port, chunks, names.length)).map((r) => decodeMessage(r));
  assert.deepEqual(
    replies.map((r) => [r.id, r.questions[0]?.name, r.rcode]),
    names.map((n, i) => [100 + i, n, n.startsWith('nope') ? Rcode.NXDOMAIN : Rcode.NOERROR]),
  );
});

test('the server answers a query cut byte by byte over TCP', async () => {
  const bytes = frame(ask('www.example.test', RRType.A, 55));
  const chunks = [...bytes].map((b) => Buffer.from([b]));
  const [reply] = await tcpExchange(live.port, chunks, 1);
  assert.equal(decodeMessage(reply!).answers.length, 1);
});

test('the server stays silent for garbage that is not DNS and answers the next query', async () => {
  for (const junk of [Buffer.from('GET / HTTP/1.0\r\n\r\n'), Buffer.alloc(5), Buffer.alloc(0)]) {
    assert.equal(await udpExchange(live.port, junk, 0.2), null);
  }
  const reply = await udpAsk(live.port, ask('www.example.test', RRType.A));
  assert.equal(reply.answers.length, 1);
});

/**
 * Whether the server must answer these bytes: a query (12 header bytes or more, QR clear) that
 * decodes, or that at least claims one question (FORMERR). Everything else is noise it must not
 * answer, so as not to reflect garbage.
 */
function deservesAnswer(bytes: Uint8Array): boolean {
  if (bytes.length < 12 || (bytes[2]! & 0x80) !== 0) return false;
  if (((bytes[4]! << 8) | bytes[5]!) === 1) return true;
  try {
    decodeMessage(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Random bytes, and random bytes behind a query-shaped header (QR clear, one question). */
const datagrams = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 200 }))
    .map(([header, rest]) => {
      header[2] = header[2]! & 0x7f;
      header[4] = 0;
      header[5] = 1;
      return Buffer.concat([header, rest]);
    }),
);

test('random bytes over UDP get an answer exactly when they are a query, and never stop the server', async () => {
  await fc.assert(
    fc.asyncProperty(datagrams, async (bytes) => {
      if (deservesAnswer(bytes)) {
        const reply = await udpExchange(live.port, bytes);
        assert.ok(reply !== null, 'a query got no answer');
        const message = decodeMessage(reply);
        assert.ok(message.qr);
        assert.equal(message.id, (bytes[0]! << 8) | bytes[1]!);
      } else {
        assert.equal(await udpExchange(live.port, bytes, 0.05), null, 'noise got an answer');
      }
      // Still serving: a real query behind every input is answered.
      const after = await udpAsk(live.port, ask('www.example.test', RRType.A, 4321));
      assert.equal(after.rcode, Rcode.NOERROR);
      assert.equal(after.answers.length, 1);
    }),
    { numRuns: 60 },
  );
});

test('random bytes over TCP are framed and dropped; a real query behind them is answered', async () => {
  const junk = Buffer.from([0x00, 0x10, ...Buffer.from('this is not dns!')]);
  const stream = Buffer.concat([junk, frame(ask('www.example.test', RRType.A, 31337))]);
  const replies = await tcpExchange(live.port, [stream], 1);
  assert.equal(decodeMessage(replies.at(-1)!).id, 31337);
});

test('the server logs one query line per answered query', async () => {
  const before = live.queries.length;
  await udpAsk(live.port, ask('mail.example.test', RRType.A));
  const line = live.queries.slice(before).find((q) => q.name === 'mail.example.test');
  assert.ok(line);
  assert.equal(line.msg, 'query');
  assert.equal(line.type, 'A');
  assert.equal(line.rcode, 'NOERROR');
  assert.equal(line.transport, 'udp');
  assert.match(String(line.peer), /^127\.0\.0\.1:\d+$/);
  assert.equal(
    live.queries.filter((q) => q.msg === 'datagram').length,
    0,
    'no second, datagram-level line',
  );
});

test('the server closes an idle TCP connection after the idle timeout', async () => {
  const short = await startLive({
    limits: {
      maxConnections: 10,
      maxConnectionsPerAddress: 10,
      idleTimeout: 0.2,
      readTimeout: 1,
      maxRequestSize: 65535,
    },
  });
  try {
    const started = Date.now();
    // tcpExchange() fails if the connection is still open after 5 s: closed by the server.
    const replies = await tcpExchange(short.port, [], 1, 5);
    assert.deepEqual(replies, []);
    const waited = Date.now() - started;
    assert.ok(waited >= 120, `closed after ${waited} ms, before the idle timeout`);
  } finally {
    await short.stop();
  }
});

test('the server rate limits UDP answers per address when loopback is not exempt', async () => {
  const limited = await startLive({ rate: { perSecond: 0.001, burst: 2, exemptLoopback: false } });
  try {
    const q = ask('www.example.test', RRType.A);
    assert.ok((await udpExchange(limited.port, q)) !== null);
    assert.ok((await udpExchange(limited.port, q)) !== null);
    assert.equal(await udpExchange(limited.port, q, 0.2), null);
    assert.equal(limited.service.udp?.refused, 1);
  } finally {
    await limited.stop();
  }
});
