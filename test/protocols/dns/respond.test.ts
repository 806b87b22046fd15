import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RRType } from '../../../src/protocols/dns/codec/constants.js';
import { decodeMessage } from '../../../src/protocols/dns/codec/decode-message.js';
import { encodeMessage } from '../../../src/protocols/dns/codec/encode-message.js';
import { createQuery } from '../../../src/protocols/dns/codec/message.js';
import { respond, udpResponseLimit } from '../../../src/protocols/dns/codec/respond.js';
import { sampleZone } from '../../../src/protocols/dns/codec/sample-zone.js';
import { ZoneSet } from '../../../src/protocols/dns/codec/zone-set.js';

const zones = new ZoneSet([sampleZone()]);
const bigQuery = (options = {}) =>
  encodeMessage(createQuery('big.example.test', RRType.TXT, options));

test('respond() truncates the big TXT answer to 512 bytes over UDP without EDNS', () => {
  const out = respond(zones, bigQuery(), { transport: 'udp' })!;
  assert.ok(out.length <= 512);
  const m = decodeMessage(out);
  assert.equal(m.tc, true);
  assert.deepEqual(m.answers, []);
  assert.equal(m.questions[0]?.name, 'big.example.test');
});

test('respond() sends the whole big TXT answer over TCP, and over UDP when EDNS allows', () => {
  const tcp = decodeMessage(respond(zones, bigQuery(), { transport: 'tcp' })!);
  assert.equal(tcp.tc, false);
  assert.equal(tcp.answers.length, 1);
  const udp = respond(zones, bigQuery({ ednsPayloadSize: 4096 }), { transport: 'udp' })!;
  assert.ok(udp.length > 1232);
  assert.equal(decodeMessage(udp).tc, false);
});

test('respond() truncates to the client EDNS size and keeps the OPT record', () => {
  const out = respond(zones, bigQuery({ ednsPayloadSize: 1232 }), { transport: 'udp' })!;
  assert.ok(out.length <= 1232);
  const m = decodeMessage(out);
  assert.equal(m.tc, true);
  assert.equal(m.edns?.udpPayloadSize, 1232);
});

test('udpResponseLimit() is 512 without EDNS and the EDNS size clamped to 512..4096', () => {
  assert.equal(udpResponseLimit(null), 512);
  assert.equal(udpResponseLimit(createQuery('x')), 512);
  assert.equal(udpResponseLimit(createQuery('x', 1, { ednsPayloadSize: 100 })), 512);
  assert.equal(udpResponseLimit(createQuery('x', 1, { ednsPayloadSize: 1232 })), 1232);
  assert.equal(udpResponseLimit(createQuery('x', 1, { ednsPayloadSize: 65000 })), 4096);
  assert.equal(udpResponseLimit(createQuery('x', 1, { ednsPayloadSize: 65000 }), 1400), 1400);
});

test('respond() never throws on random bytes and answers only what has a query header', () => {
  const decodes = (bytes: Uint8Array): boolean => {
    try {
      decodeMessage(bytes);
      return true;
    } catch {
      return false;
    }
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const out = respond(zones, bytes, { transport: 'udp' });
      const noise =
        bytes.length < 12 ||
        (bytes[2]! & 0x80) !== 0 ||
        (((bytes[4]! << 8) | bytes[5]!) !== 1 && !decodes(bytes));
      if (noise) assert.equal(out, null);
      else {
        assert.ok(out !== null && out.length <= 512);
        const m = decodeMessage(out);
        assert.equal(m.id, (bytes[0]! << 8) | bytes[1]!);
        assert.ok(m.qr);
      }
    }),
    { numRuns: 3000 },
  );
});
