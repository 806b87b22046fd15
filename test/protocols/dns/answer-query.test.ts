import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerQuery, type QueryAnswer } from '../../../src/protocols/dns/codec/answer-query.js';
import { Rcode, RRType } from '../../../src/protocols/dns/codec/constants.js';
import { encodeMessage } from '../../../src/protocols/dns/codec/encode-message.js';
import {
  type CreateQueryOptions,
  createQuery,
  type DnsMessage,
} from '../../../src/protocols/dns/codec/message.js';
import { formatRecord } from '../../../src/protocols/dns/codec/presentation.js';
import { sampleZone } from '../../../src/protocols/dns/codec/sample-zone.js';
import { Zone } from '../../../src/protocols/dns/codec/zone.js';
import { ZoneSet } from '../../../src/protocols/dns/codec/zone-set.js';
import { loadHex } from './support.js';

const zones = new ZoneSet([sampleZone()]);
const SOA =
  'example.test.\t300\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 3600 600 86400 300';

function ask(
  name: string,
  type: number,
  options: CreateQueryOptions = {},
  set = zones,
): QueryAnswer {
  const result = answerQuery(set, createQuery(name, type, { id: 99, ...options }));
  assert.ok(result !== null);
  return result;
}

const text = (records: DnsMessage['answers']): string[] => records.map(formatRecord);

test('answerQuery() answers an existing name authoritatively, in the case asked', () => {
  const { kind, response } = ask('WWW.Example.TEST', RRType.A);
  assert.equal(kind, 'answer');
  assert.deepEqual(
    [response.id, response.qr, response.aa, response.rd, response.ra],
    [99, true, true, true, false],
  );
  assert.equal(response.rcode, Rcode.NOERROR);
  assert.deepEqual(response.questions, [{ name: 'WWW.Example.TEST', type: RRType.A, class: 1 }]);
  assert.deepEqual(text(response.answers), ['WWW.Example.TEST.\t300\tIN\tA\t127.0.0.1']);
  assert.deepEqual(response.authorities, []);
});

test('answerQuery() follows a CNAME inside the zone', () => {
  const { kind, response } = ask('alias.example.test', RRType.AAAA);
  assert.equal(kind, 'answer');
  assert.ok(response.aa);
  assert.deepEqual(text(response.answers), [
    'alias.example.test.\t300\tIN\tCNAME\twww.example.test.',
    'www.example.test.\t3600\tIN\tAAAA\t::1',
  ]);
});

test('answerQuery() returns the CNAME itself when CNAME is asked for', () => {
  const { response } = ask('alias.example.test', RRType.CNAME);
  assert.deepEqual(text(response.answers), [
    'alias.example.test.\t300\tIN\tCNAME\twww.example.test.',
  ]);
});

const chainZone = new ZoneSet([
  Zone.fromText(
    `$TTL 60
@ SOA ns h 1 2 3 4 30
loop1 CNAME loop2
loop2 CNAME loop1
out CNAME www.elsewhere.test.
gone CNAME missing
c1 CNAME c2
c2 CNAME c3
c3 CNAME c4
c4 A 192.0.2.4
nodata CNAME c4
`,
    { origin: 'chain.test' },
  ),
]);

test('answerQuery() stops a CNAME loop and returns the chain so far', () => {
  const { kind, response } = ask('loop1.chain.test', RRType.A, {}, chainZone);
  assert.equal(kind, 'answer');
  assert.equal(response.rcode, Rcode.NOERROR);
  assert.deepEqual(
    response.answers.map((r) => r.name),
    ['loop1.chain.test', 'loop2.chain.test'],
  );
});

test('answerQuery() bounds CNAME chains by maxCnameChain', () => {
  const full = answerQuery(chainZone, createQuery('c1.chain.test', RRType.A))!;
  assert.equal(full.response.answers.length, 4);
  const cut = answerQuery(chainZone, createQuery('c1.chain.test', RRType.A), { maxCnameChain: 2 })!;
  assert.deepEqual(
    cut.response.answers.map((r) => r.type),
    [RRType.CNAME, RRType.CNAME],
  );
});

test('answerQuery() leaves a CNAME out of the zone for the resolver to chase', () => {
  const { kind, response } = ask('out.chain.test', RRType.A, {}, chainZone);
  assert.equal(kind, 'answer');
  assert.equal(response.answers.length, 1);
  assert.deepEqual(response.authorities, []);
});

test('answerQuery() gives NXDOMAIN with the chain when a CNAME target does not exist (RFC 6604)', () => {
  const { kind, response } = ask('gone.chain.test', RRType.A, {}, chainZone);
  assert.equal(kind, 'nxdomain');
  assert.equal(response.rcode, Rcode.NXDOMAIN);
  assert.ok(response.aa);
  assert.equal(response.answers.length, 1);
  assert.equal(response.authorities[0]?.type, RRType.SOA);
  assert.equal(response.authorities[0]?.ttl, 30);
});

test('answerQuery() gives NODATA after a CNAME whose target lacks the type', () => {
  const { kind, response } = ask('nodata.chain.test', RRType.MX, {}, chainZone);
  assert.equal(kind, 'nodata');
  assert.equal(response.rcode, Rcode.NOERROR);
  assert.equal(response.answers.length, 1);
  assert.equal(response.authorities[0]?.type, RRType.SOA);
});

test('answerQuery() gives NXDOMAIN with the SOA for a name that does not exist', () => {
  const { kind, response } = ask('nope.example.test', RRType.A);
  assert.equal(kind, 'nxdomain');
  assert.equal(response.rcode, Rcode.NXDOMAIN);
  assert.ok(response.aa);
  assert.deepEqual(response.answers, []);
  assert.deepEqual(text(response.authorities), [SOA]);
});

test('answerQuery() gives NODATA (NOERROR, empty answer, SOA) for a type the name lacks', () => {
  const { kind, response } = ask('www.example.test', RRType.MX);
  assert.equal(kind, 'nodata');
  assert.equal(response.rcode, Rcode.NOERROR);
  assert.deepEqual(response.answers, []);
  assert.deepEqual(text(response.authorities), [SOA]);
});

test('answerQuery() sets the negative SOA TTL to min(SOA TTL, minimum) (RFC 2308)', () => {
  const set = new ZoneSet([Zone.fromText('@ 7200 SOA ns h 1 2 3 4 120\n', { origin: 'neg.test' })]);
  assert.equal(ask('x.neg.test', RRType.A, {}, set).response.authorities[0]?.ttl, 120);
  const low = new ZoneSet([Zone.fromText('@ 60 SOA ns h 1 2 3 4 120\n', { origin: 'neg.test' })]);
  assert.equal(ask('x.neg.test', RRType.A, {}, low).response.authorities[0]?.ttl, 60);
});

test('answerQuery() treats an empty non-terminal as NODATA, not NXDOMAIN', () => {
  for (const name of ['_tcp.example.test', 'wild.example.test']) {
    const { kind, response } = ask(name, RRType.A);
    assert.equal(kind, 'nodata', name);
    assert.equal(response.rcode, Rcode.NOERROR);
  }
});

test('answerQuery() synthesises wildcard answers with the asked name as owner (RFC 4592)', () => {
  for (const name of ['a.wild.example.test', 'X.Y.wild.example.test']) {
    const { kind, response } = ask(name, RRType.A);
    assert.equal(kind, 'answer');
    assert.ok(response.aa);
    assert.deepEqual(text(response.answers), [`${name}.\t300\tIN\tA\t127.0.0.2`]);
  }
});

test('answerQuery() gives NODATA for a wildcard match of a type the wildcard lacks', () => {
  const { kind, response } = ask('a.wild.example.test', RRType.AAAA);
  assert.equal(kind, 'nodata');
  assert.deepEqual(text(response.authorities), [SOA]);
});

test('answerQuery() does not apply a wildcard to a name that exists or below another encloser', () => {
  const set = new ZoneSet([
    Zone.fromText(
      `$TTL 1
@ SOA ns h 1 2 3 4 5
* A 192.0.2.1
host TXT "exists"
ent.deep A 192.0.2.2
`,
      { origin: 'w.test' },
    ),
  ]);
  assert.equal(ask('host.w.test', RRType.A, {}, set).kind, 'nodata');
  assert.equal(ask('deep.w.test', RRType.A, {}, set).kind, 'nodata'); // empty non-terminal
  // The closest encloser of x.deep.w.test is deep.w.test, which has no wildcard child.
  assert.equal(ask('x.deep.w.test', RRType.A, {}, set).kind, 'nxdomain');
  assert.equal(ask('x.host.w.test', RRType.A, {}, set).kind, 'nxdomain');
  assert.deepEqual(text(ask('other.w.test', RRType.A, {}, set).response.answers), [
    'other.w.test.\t1\tIN\tA\t192.0.2.1',
  ]);
  assert.equal(ask('a.b.w.test', RRType.A, {}, set).kind, 'answer');
});

test('answerQuery() answers names in a delegated child with a referral and glue', () => {
  for (const name of ['sub.example.test', 'a.b.sub.example.test', 'ns.sub.example.test']) {
    const { kind, response } = ask(name, RRType.A);
    assert.equal(kind, 'referral', name);
    assert.equal(response.aa, false);
    assert.equal(response.rcode, Rcode.NOERROR);
    assert.deepEqual(response.answers, []);
    assert.deepEqual(text(response.authorities), [
      'sub.example.test.\t300\tIN\tNS\tns.sub.example.test.',
    ]);
    assert.deepEqual(text(response.additionals), ['ns.sub.example.test.\t300\tIN\tA\t127.0.0.3']);
  }
});

test('answerQuery() answers DS at a delegation point from the parent side', () => {
  const { kind, response } = ask('sub.example.test', RRType.DS);
  assert.equal(kind, 'nodata');
  assert.ok(response.aa);
});

test('answerQuery() adds the addresses of MX, SRV and NS targets in the zone', () => {
  assert.deepEqual(text(ask('example.test', RRType.MX).response.additionals), [
    'mail.example.test.\t300\tIN\tA\t127.0.0.1',
  ]);
  assert.deepEqual(text(ask('_http._tcp.example.test', RRType.SRV).response.additionals), [
    'www.example.test.\t300\tIN\tA\t127.0.0.1',
    'www.example.test.\t3600\tIN\tAAAA\t::1',
  ]);
  assert.deepEqual(text(ask('example.test', RRType.NS).response.additionals), [
    'ns1.example.test.\t300\tIN\tA\t127.0.0.1',
  ]);
});

test('answerQuery() answers ANY minimally by default and fully on request (RFC 8482)', () => {
  const minimal = ask('example.test', RRType.ANY);
  assert.equal(minimal.kind, 'answer');
  assert.deepEqual(text(minimal.response.answers), ['example.test.\t300\tIN\tA\t127.0.0.1']);
  const full = answerQuery(zones, createQuery('example.test', RRType.ANY), { anyQuery: 'full' })!;
  assert.deepEqual(
    full.response.answers.map((r) => r.type),
    [RRType.A, RRType.NS, RRType.SOA, RRType.MX, RRType.TXT, RRType.CAA],
  );
  assert.deepEqual(text(ask('alias.example.test', RRType.ANY).response.answers), [
    'alias.example.test.\t300\tIN\tCNAME\twww.example.test.',
  ]);
  assert.equal(ask('_tcp.example.test', RRType.ANY).kind, 'nodata');
});

test('answerQuery() refuses names outside every zone and marks them for a forwarder', () => {
  const result = ask('www.other.test', RRType.A);
  assert.equal(result.kind, 'out-of-zone');
  assert.equal(result.response.rcode, Rcode.REFUSED);
  assert.equal(result.query?.questions[0]?.name, 'www.other.test');
  assert.equal(answerQuery(new ZoneSet(), createQuery('x.test', RRType.A))?.kind, 'out-of-zone');
});

test('answerQuery() refuses other classes and zone transfers', () => {
  assert.equal(ask('www.example.test', RRType.A, { class: 3 }).response.rcode, Rcode.REFUSED);
  assert.equal(ask('www.example.test', RRType.A, { class: 255 }).kind, 'answer');
  assert.equal(ask('example.test', RRType.AXFR).response.rcode, Rcode.REFUSED);
});

test('answerQuery() answers opcodes other than QUERY with NOTIMP', () => {
  const notify = { ...createQuery('example.test', RRType.SOA, { id: 5 }), opcode: 4 };
  const result = answerQuery(zones, notify)!;
  assert.equal(result.kind, 'notimp');
  assert.equal(result.response.rcode, Rcode.NOTIMP);
  assert.equal(result.response.opcode, 4);
  const bytes = encodeMessage({ ...notify, opcode: 2 });
  assert.equal(answerQuery(zones, bytes)?.response.rcode, Rcode.NOTIMP);
});

test('answerQuery() answers a malformed query that has a header with FORMERR', () => {
  const bytes = Buffer.from(loadHex('dig-query-mx-noedns.hex').subarray(0, 20));
  const result = answerQuery(zones, bytes)!;
  assert.equal(result.kind, 'formerr');
  assert.equal(result.query, null);
  assert.deepEqual(
    [result.response.id, result.response.rcode, result.response.rd],
    [0x0180, Rcode.FORMERR, true],
  );
  assert.deepEqual(result.response.questions, []);
});

test('answerQuery() stays silent for undecodable bytes that do not claim one question', () => {
  const bytes = Buffer.from(loadHex('dig-query-mx-noedns.hex').subarray(0, 20));
  bytes.writeUInt16BE(2, 4);
  assert.equal(answerQuery(zones, bytes), null);
  bytes.writeUInt16BE(0xffff, 4);
  assert.equal(answerQuery(zones, bytes), null);
});

test('answerQuery() answers a query with no question or two with FORMERR', () => {
  const none = { ...createQuery('example.test'), questions: [] };
  assert.equal(answerQuery(zones, none)?.response.rcode, Rcode.FORMERR);
  const q = createQuery('example.test');
  const two = { ...q, questions: [...q.questions, ...q.questions] };
  assert.equal(answerQuery(zones, two)?.response.rcode, Rcode.FORMERR);
  assert.equal(ask('example.test', RRType.OPT).response.rcode, Rcode.FORMERR);
});

test('answerQuery() stays silent for input shorter than a header or with QR set', () => {
  assert.equal(answerQuery(zones, Buffer.alloc(11)), null);
  assert.equal(answerQuery(zones, Buffer.alloc(0)), null);
  const response = Buffer.from(loadHex('answer-nxdomain-soa.hex'));
  assert.equal(answerQuery(zones, response), null);
  assert.equal(answerQuery(zones, { ...createQuery('example.test'), qr: true }), null);
});

test('answerQuery() echoes EDNS with our payload size and the DO bit, options dropped', () => {
  const result = answerQuery(zones, loadHex('dig-query-a-edns-cookie.hex'), {
    udpPayloadSize: 1400,
  })!;
  assert.equal(result.kind, 'answer');
  assert.deepEqual(result.response.edns, {
    udpPayloadSize: 1400,
    version: 0,
    dnssecOk: false,
    flags: 0,
    options: [],
  });
  assert.equal(
    answerQuery(zones, loadHex('dig-query-txt-dnssec.hex'))?.response.edns?.dnssecOk,
    true,
  );
  assert.equal(answerQuery(zones, loadHex('dig-query-mx-noedns.hex'))?.response.edns, null);
});

test('answerQuery() answers EDNS versions above 0 with BADVERS and version 0', () => {
  const q = createQuery('example.test', RRType.A, { ednsPayloadSize: 1232 });
  const result = answerQuery(zones, { ...q, edns: { ...q.edns!, version: 1 } })!;
  assert.equal(result.kind, 'badvers');
  assert.equal(result.response.rcode, Rcode.BADVERS);
  assert.equal(result.response.edns?.version, 0);
  assert.deepEqual(result.response.answers, []);
});

test('answerQuery() sets RA only when told recursion is available', () => {
  const result = answerQuery(zones, createQuery('www.example.test'), { recursionAvailable: true })!;
  assert.equal(result.response.ra, true);
});
