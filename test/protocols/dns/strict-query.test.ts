import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createQuery,
  type DnsMessage,
  decodeMessage,
  encodeMessage,
  frame,
  Opcode,
  Rcode,
  RRType,
} from '../../../src/protocols/dns/index.js';
import { type LiveServer, startLive, tcpExchange, udpExchange } from './live-server.js';

let server: LiveServer;
before(async () => {
  server = await startLive();
});
after(() => server.stop());

/** Sends `bytes` over UDP and over TCP; both replies must come. */
async function bothWays(bytes: Buffer): Promise<Buffer[]> {
  const udp = await udpExchange(server.port, bytes);
  assert.ok(udp !== null, 'a UDP reply');
  const [tcp] = await tcpExchange(server.port, [frame(bytes)], 1);
  assert.ok(tcp !== undefined, 'a TCP reply');
  return [udp, tcp];
}

const query = (extra: Partial<DnsMessage> = {}, edns = false): Buffer =>
  encodeMessage({
    ...createQuery('www.example.test', RRType.A, {
      id: 0x1234,
      ...(edns ? { ednsPayloadSize: 1232 } : {}),
    }),
    ...extra,
  });

const junk = Buffer.from([0xde, 0xad, 0xbe]);

test('a query with bytes after its question gets FORMERR with the header alone', async () => {
  const bytes = Buffer.concat([query(), junk]);
  for (const out of await bothWays(bytes)) {
    const reply = decodeMessage(out);
    assert.equal(reply.id, 0x1234);
    assert.ok(reply.qr);
    assert.equal(reply.rcode, Rcode.FORMERR);
    assert.equal(reply.questions.length, 0);
    assert.ok(out.length <= bytes.length, `${out.length} > ${bytes.length}`);
  }
});

test('a query with an EDNS OPT record is answered; bytes after the OPT record are FORMERR', async () => {
  for (const out of await bothWays(query({}, true))) {
    const reply = decodeMessage(out);
    assert.equal(reply.rcode, Rcode.NOERROR);
    assert.equal(reply.answers.length, 1);
    assert.ok(reply.edns !== null);
  }
  const trailing = Buffer.concat([query({}, true), junk]);
  for (const out of await bothWays(trailing)) {
    assert.equal(decodeMessage(out).rcode, Rcode.FORMERR);
    assert.ok(out.length <= trailing.length);
  }
});

test('a query with no question or with two gets FORMERR with no question echoed', async () => {
  const q = { name: 'www.example.test', type: RRType.A, class: 1 };
  for (const questions of [[], [q, q], [q, { ...q, name: 'mail.example.test' }]]) {
    const bytes = query({ questions });
    for (const out of await bothWays(bytes)) {
      const reply = decodeMessage(out);
      assert.equal(reply.rcode, Rcode.FORMERR);
      assert.equal(reply.questions.length, 0);
      assert.ok(out.length <= bytes.length, `${out.length} > ${bytes.length}`);
    }
  }
});

test('every opcode other than QUERY gets NOTIMP, no larger than the query', async () => {
  for (let opcode = 1; opcode < 16; opcode++) {
    const bytes = query({ opcode });
    for (const out of await bothWays(bytes)) {
      const reply = decodeMessage(out);
      assert.equal(reply.rcode, Rcode.NOTIMP, `opcode ${opcode}`);
      assert.equal(reply.opcode, opcode);
      assert.ok(out.length <= bytes.length, `opcode ${opcode}: ${out.length} > ${bytes.length}`);
    }
  }
});

/**
 * A question whose name is a compression pointer into the header: 2 bytes in the query that
 * decode to a 5-byte name (the id's high byte 3 is read as a label length). Echoed, the
 * question made the reply larger than the query.
 */
function pointerIntoHeader(opcode: number): Buffer {
  return Buffer.from([
    0x03,
    0x61,
    (opcode << 3) | 0x01,
    0x00,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0xc0,
    0x00,
    0x00,
    0x01,
    0x00,
    0x01,
  ]);
}

test('a question compressed into the header cannot draw a reply larger than the query', async () => {
  for (const opcode of [Opcode.QUERY, 2, 4, 5, 9]) {
    const bytes = pointerIntoHeader(opcode);
    for (const out of await bothWays(bytes)) {
      const reply = decodeMessage(out);
      const expected = opcode === Opcode.QUERY ? Rcode.REFUSED : Rcode.NOTIMP;
      assert.equal(reply.rcode, expected, `opcode ${opcode}`);
      assert.ok(out.length <= bytes.length, `opcode ${opcode}: ${out.length} > ${bytes.length}`);
    }
  }
});

test('no mix of opcode, question count and trailing bytes gets a reply larger than the query', async () => {
  const q = { name: 'www.example.test', type: RRType.A, class: 1 };
  for (let opcode = 0; opcode < 16; opcode++) {
    for (let count = 0; count < 4; count++) {
      for (const tail of [Buffer.alloc(0), junk]) {
        // Undecodable bytes that do not even claim one question are noise, never answered
        // (the random-bytes property in dns-server.test.ts holds the server to that).
        if (tail.length > 0 && count !== 1) continue;
        const bytes = Buffer.concat([
          query({ opcode, questions: Array.from({ length: count }, () => q) }),
          tail,
        ]);
        const out = await udpExchange(server.port, bytes);
        assert.ok(out !== null, `opcode ${opcode}, ${count} questions: a reply`);
        const reply = decodeMessage(out);
        if (reply.answers.length > 0) {
          // Only a well-formed standard query for a name in the zones draws records.
          assert.ok(opcode === 0 && count === 1 && tail.length === 0);
          continue;
        }
        assert.ok(
          out.length <= bytes.length,
          `opcode ${opcode}, ${count} questions, ${tail.length} trailing: ${out.length} > ${bytes.length}`,
        );
      }
    }
  }
});
