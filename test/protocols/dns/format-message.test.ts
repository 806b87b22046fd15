import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerQuery } from '../../../src/protocols/dns/codec/answer-query.js';
import { RRType } from '../../../src/protocols/dns/codec/constants.js';
import { decodeMessage } from '../../../src/protocols/dns/codec/decode-message.js';
import { formatMessage } from '../../../src/protocols/dns/codec/format-message.js';
import { createQuery } from '../../../src/protocols/dns/codec/message.js';
import { sampleZone } from '../../../src/protocols/dns/codec/sample-zone.js';
import { ZoneSet } from '../../../src/protocols/dns/codec/zone-set.js';
import { loadHex } from './support.js';

test('formatMessage() prints a response the way dig does', () => {
  const zones = new ZoneSet([sampleZone()]);
  const q = createQuery('example.test', RRType.MX, { id: 1234, ednsPayloadSize: 1232 });
  const { response } = answerQuery(zones, q)!;
  assert.equal(
    formatMessage(response),
    `;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1234
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232

;; QUESTION SECTION:
;example.test.\t\tIN\tMX

;; ANSWER SECTION:
example.test.\t300\tIN\tMX\t10 mail.example.test.

;; ADDITIONAL SECTION:
mail.example.test.\t300\tIN\tA\t127.0.0.1
`,
  );
});

test('formatMessage() prints the cookie, DO flag, NXDOMAIN status and authority section', () => {
  const query = formatMessage(decodeMessage(loadHex('dig-query-a-edns-cookie.hex')));
  assert.match(
    query,
    /^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 36108\n;; flags: rd ad;/,
  );
  assert.match(query, /\n; COOKIE: 4b7f18c9afde7920\n/);
  assert.match(
    formatMessage(decodeMessage(loadHex('dig-query-txt-dnssec.hex'))),
    /flags: do; udp: 1232/,
  );
  const nx = formatMessage(decodeMessage(loadHex('answer-nxdomain-soa.hex')));
  assert.match(nx, /status: NXDOMAIN, id: 384\n;; flags: qr aa rd;/);
  assert.match(
    nx,
    /;; AUTHORITY SECTION:\nexample\.test\.\t300\tIN\tSOA\tns1\.example\.test\. hostmaster/,
  );
});
