/**
 * Knot's `kdig` against polyport's DNS server, over UDP and TCP: answers from the sample zone,
 * the fall back to TCP for a truncated answer, and the error codes a malformed or out-of-zone
 * query gets (FORMERR, REFUSED, BADVERS).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type LiveServer, startLive } from '../protocols/dns/live-server.js';
import { needs } from '../support/interop.js';
import { runClient } from './run-client.js';

const kdig = needs('kdig');
let live: LiveServer;

before(async () => {
  live = await startLive();
});
after(() => live.stop());

/** Runs kdig against the server; asynchronously, since the server answers from this loop. */
async function ask(...args: string[]): Promise<string> {
  // +retry=0 and a short +time: a lost or unanswered query fails the test instead of waiting.
  const run = await runClient(
    'kdig',
    ['@127.0.0.1', '-p', String(live.port), '+retry=0', '+timeout=5', ...args],
    { timeout: 30_000 },
  );
  assert.equal(run.code, 0, run.output);
  return run.stdout;
}

test('kdig gets an A answer from the sample zone over UDP', kdig, async () => {
  const out = await ask('www.example.test', 'A');
  assert.match(out, /status: NOERROR/, out);
  assert.match(out, /Flags: qr aa rd;/, out);
  assert.match(out, /^www\.example\.test\.\s+\d+\s+IN\s+A\s+127\.0\.0\.1$/m, out);
  assert.match(out, /From 127\.0\.0\.1@\d+\(UDP\)/, out);
  assert.equal((await ask('+short', 'www.example.test', 'A')).trim(), '127.0.0.1');
});

test('kdig +tcp gets the same answer over TCP, and follows a CNAME', kdig, async () => {
  const out = await ask('+tcp', 'www.example.test', 'A');
  assert.match(out, /status: NOERROR/, out);
  assert.match(out, /^www\.example\.test\.\s+\d+\s+IN\s+A\s+127\.0\.0\.1$/m, out);
  assert.match(out, /From 127\.0\.0\.1@\d+\(TCP\)/, out);
  assert.equal(
    (await ask('+tcp', '+short', 'alias.example.test', 'A')).trim(),
    'www.example.test.\n127.0.0.1',
  );
});

test('kdig retries a truncated UDP answer over TCP and gets it whole', kdig, async () => {
  // big.example.test TXT does not fit 512 bytes: with +noedns the UDP answer has TC set.
  const truncated = await ask('+noedns', '+ignore', 'big.example.test', 'TXT');
  assert.match(truncated, /Flags: qr aa tc rd;/, truncated);
  const whole = await ask('+noedns', 'big.example.test', 'TXT');
  assert.match(whole, /status: NOERROR/, whole);
  assert.match(whole, /From 127\.0\.0\.1@\d+\(TCP\)/, whole);
  assert.doesNotMatch(whole, /Flags: [^;]*\btc\b/, whole);
  assert.match(whole, /^big\.example\.test\.\s+\d+\s+IN\s+TXT\s+"/m, whole);
});

test(
  'kdig sees REFUSED out of zone and for AXFR, FORMERR for an OPT question, BADVERS for EDNS 1',
  kdig,
  async () => {
    for (const transport of ['+notcp', '+tcp']) {
      const outside = await ask(transport, 'example.com', 'A');
      assert.match(outside, /status: REFUSED/, outside);
      const opt = await ask(transport, 'example.test', 'TYPE41');
      assert.match(opt, /status: FORMERR/, opt);
      const badvers = await ask(transport, '+edns=1', 'example.test', 'A');
      assert.match(badvers, /status: BADVERS/, badvers);
    }
    // kdig asks AXFR over TCP by itself; the transfer is refused (no zone transfers), not empty.
    const axfr = await runClient(
      'kdig',
      ['@127.0.0.1', '-p', String(live.port), '+retry=0', '+timeout=5', 'example.test', 'AXFR'],
      { timeout: 30_000 },
    );
    assert.match(axfr.output, /REFUSED/, axfr.output);
    // The server stayed up: a normal query still gets its answer.
    assert.equal((await ask('+short', 'example.test', 'A')).trim(), '127.0.0.1');
  },
);
