/**
 * DNS faults on purpose, seen by ISC's dig against `serve()`: another rcode, no answer, a
 * truncated answer, an answer with the wrong ID, a delay, and a seeded probability. Each works
 * on the cached-answer path as on a fresh answer, over UDP and TCP; each is a capture event,
 * and the next query without the fault is answered as usual.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FaultBook, type Host, serve } from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

describe('DNS faults', { skip: needs('dig').skip }, () => {
  let host: Host;
  before(async () => {
    host = await serve({
      config: testConfig(
        SERVICE_TABLES.filter((s) => s !== 'dns').map((s) => `${s}.enabled=false`),
      ),
      logger: memoryLogger().logger,
    });
  });
  after(() => host.stop(1000));
  beforeEach(() => host.faults.clear());

  /** dig against the host: its exit status and output (a timeout is exit 9). */
  function dig(...args: string[]) {
    return runClient('dig', ['@127.0.0.1', '-p', String(portOf(host, 'dns', 'udp')), ...args]);
  }

  /** The fault events since `since`. */
  function faults(since: number) {
    return host.capture.list({ service: 'dns', kind: 'fault', sinceId: since });
  }

  test('rcode SERVFAIL once, from the answer cache and fresh, over UDP and TCP', async () => {
    // Asked once already: the next answer for it comes from the answer cache.
    assert.match((await dig('www.example.test', 'A')).stdout, /status: NOERROR/);
    for (const transport of ['+notcp', '+tcp']) {
      const since = host.capture.lastId;
      const rule = host.faults.add({
        service: 'dns',
        match: { name: 'www.example.test', type: 'A' },
        action: { rcode: 'SERVFAIL' },
        times: 1,
      });
      const failed = await dig(transport, 'www.example.test', 'A');
      assert.equal(failed.code, 0, failed.output);
      assert.match(failed.stdout, /status: SERVFAIL/);
      assert.match(failed.stdout, /ANSWER: 0,/);
      const again = await dig(transport, '+short', 'www.example.test', 'A');
      assert.equal(again.stdout.trim(), '127.0.0.1', `${transport}: the next query is answered`);
      const [event] = faults(since);
      assert.equal(event?.rule, rule.id);
      assert.equal(event?.name, 'www.example.test');
      assert.equal(event?.type, 'A');
      assert.deepEqual(event?.action, { rcode: 'SERVFAIL' });
    }
  });

  test('the documented rule: flaky.example.test answers SERVFAIL, other names are untouched', async () => {
    host.faults.add({
      service: 'dns',
      match: { name: 'flaky.example.test' },
      action: { rcode: 'SERVFAIL' },
    });
    assert.match((await dig('flaky.example.test')).stdout, /status: SERVFAIL/);
    assert.match((await dig('FLAKY.example.test.', 'MX')).stdout, /status: SERVFAIL/);
    assert.match((await dig('nothere.example.test')).stdout, /status: NXDOMAIN/);
  });

  test('drop: dig hears nothing and times out; the next query is answered', async () => {
    const since = host.capture.lastId;
    host.faults.add({ service: 'dns', action: { drop: true }, times: 1 });
    const dropped = await dig('+tries=1', '+time=1', 'www.example.test');
    assert.equal(dropped.code, 9, dropped.output);
    assert.match(dropped.output, /timed out/);
    assert.equal((await dig('+short', 'www.example.test')).stdout.trim(), '127.0.0.1');
    assert.equal(faults(since).length, 1);
  });

  test('truncate: TC set and no records over UDP; dig retries over TCP and gets the answer', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'dns',
      match: { name: 'www.example.test' },
      action: { truncate: true },
    });
    const ignored = await dig('+ignore', 'www.example.test');
    assert.match(ignored.stdout, /flags: qr tc rd/);
    assert.match(ignored.stdout, /ANSWER: 0,/);
    const retried = await dig('www.example.test');
    assert.match(retried.stdout, /Truncated, retrying in TCP mode/);
    assert.match(retried.stdout, /www\.example\.test\.\s+\d+\s+IN\s+A\s+127\.0\.0\.1/);
    // The UDP answer of +ignore, then dig's UDP try and its TCP retry.
    assert.equal(faults(since).length, 3);
  });

  test('wrongId: dig warns of the ID mismatch and times out; the next query is answered', async () => {
    const since = host.capture.lastId;
    host.faults.add({ service: 'dns', action: { wrongId: true }, times: 1 });
    const mismatched = await dig('+tries=1', '+time=1', 'www.example.test');
    assert.equal(mismatched.code, 9, mismatched.output);
    assert.match(mismatched.output, /ID mismatch/);
    assert.equal((await dig('+short', 'www.example.test')).stdout.trim(), '127.0.0.1');
    assert.equal(faults(since).length, 1);
  });

  test('delay: the answer comes after it, and other names are answered meanwhile', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'dns',
      match: { name: 'slow.example.test' },
      action: { delay: 1500 },
      times: 1,
    });
    const slow = dig('+tries=1', '+time=5', 'slow.example.test');
    const other = await dig('+short', 'www.example.test');
    assert.equal(other.stdout.trim(), '127.0.0.1');
    const answered = await slow;
    assert.equal(answered.code, 0, answered.output);
    assert.match(answered.stdout, /status: NXDOMAIN/);
    const waited = Number(/Query time: (\d+) msec/.exec(answered.stdout)?.[1]);
    assert.ok(waited >= 1500, `answered after ${waited} ms`);
    assert.equal(faults(since).length, 1);
  });

  test('a probability with a seed fails the same queries as the same rule in a FaultBook', async () => {
    const rule = { service: 'dns', action: { rcode: 'REFUSED' }, probability: 0.5, seed: 42 };
    const book = new FaultBook(['dns']);
    book.add(rule);
    const expected = Array.from({ length: 12 }, () =>
      book.pick('dns', { peer: '127.0.0.1:1' }) === undefined ? 'NOERROR' : 'REFUSED',
    );
    assert.ok(expected.includes('NOERROR') && expected.includes('REFUSED'), expected.join());
    host.faults.add(rule);
    const seen: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      const out = await dig('www.example.test');
      seen.push(/status: (\w+)/.exec(out.stdout)?.[1] ?? out.output);
    }
    assert.deepEqual(seen, expected);
    const [held] = host.faults.list();
    assert.equal(held?.seed, 42);
    assert.equal(held?.matched, 12);
    assert.equal(held?.fired, expected.filter((s) => s === 'REFUSED').length);
  });

  test('after every fault, no TCP connection of the service is left open', async () => {
    const open = () => host.snapshot().services.find((s) => s.name === 'dns')?.connectionsNow;
    // The last client's close may still be on its way: wait for it, within a bound.
    for (let i = 0; i < 100 && open() !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(open(), 0);
  });
});

describe('DNS faults on a forwarding server', { skip: needs('dig').skip }, () => {
  let host: Host;
  before(async () => {
    host = await serve({
      config: testConfig([
        ...SERVICE_TABLES.filter((s) => s !== 'dns').map((s) => `${s}.enabled=false`),
        // Nothing answers there: only a fault can answer quickly.
        'dns.forwarders=127.0.0.1:9',
      ]),
      logger: memoryLogger().logger,
    });
  });
  after(() => host.stop(1000));

  test('a name that would be forwarded is faulted before the upstream is asked', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'dns',
      match: { name: '*.example.net' },
      action: { rcode: 'NXDOMAIN' },
    });
    const port = String(portOf(host, 'dns', 'udp'));
    const out = await runClient('dig', ['@127.0.0.1', '-p', port, '+tries=1', 'www.example.net']);
    assert.match(out.stdout, /status: NXDOMAIN/);
    assert.match(out.stdout, /flags: qr rd ra;/);
    const [query] = host.capture.list({ service: 'dns', kind: 'query', sinceId: since });
    assert.equal(query?.source, 'fault');
    assert.equal(query?.rcode, 'NXDOMAIN');
  });
});
