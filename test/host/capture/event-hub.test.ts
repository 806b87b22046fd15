/**
 * The capture hub: bounded rings per service, one id sequence, filters, the live feed and
 * `waitFor()` on events held and to come.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CapturedEvent,
  CaptureRing,
  EventHub,
  matchesFilter,
  WaitTimeoutError,
} from '../../../src/host/index.js';

const at = (id: number): CapturedEvent => ({ id, time: id, service: 's', kind: 'k', peer: '' });

test('a ring keeps the newest events up to its capacity, newest first', () => {
  const ring = new CaptureRing(3);
  for (let id = 1; id <= 5; id++) ring.push(at(id));
  assert.deepEqual(
    [...ring.newestFirst()].map((e) => e.id),
    [5, 4, 3],
  );
  ring.clear((e) => e.id === 4);
  assert.deepEqual(
    [...ring.newestFirst()].map((e) => e.id),
    [5, 3],
  );
  ring.push(at(6));
  ring.push(at(7));
  assert.deepEqual(
    [...ring.newestFirst()].map((e) => e.id),
    [7, 6, 5],
  );
  assert.throws(() => new CaptureRing(-1), RangeError);
});

test('each service has its own ring: a busy one does not push out a quiet one', () => {
  const hub = new EventHub(2, () => 1000);
  hub.record('smtp', 'message', '127.0.0.1:5000', { to: ['a@b.test'] });
  for (let i = 0; i < 10; i++) hub.record('http', 'request', '127.0.0.1:6000', { status: 200 });
  const all = hub.list();
  assert.deepEqual(
    all.map((e) => [e.id, e.service]),
    [
      [11, 'http'],
      [10, 'http'],
      [1, 'smtp'],
    ],
  );
  assert.equal(hub.lastId, 11);
});

test('the fields are copied beside the common ones, without msg, line and peer', () => {
  const hub = new EventHub(10, () => 42);
  const event = hub.record('http', 'request', '[::1]:8080', {
    msg: 'request',
    line: '::1 - - [..] "GET / HTTP/1.1" 200 5',
    peer: '[::1]:8080',
    method: 'GET',
    status: 200,
  });
  assert.deepEqual(event, {
    id: 1,
    time: 42,
    service: 'http',
    kind: 'request',
    peer: '[::1]:8080',
    method: 'GET',
    status: 200,
  });
});

test('filters: service, kind, peer with or without port, since, and q over every field', () => {
  const hub = new EventHub(10, () => 5);
  hub.record('dns', 'query', '127.0.0.1:5353', { name: 'www.Example.test', type: 'A' });
  hub.record('dns', 'query', '[::1]:5353', { name: 'other.test', type: 'AAAA' });
  hub.record('smtp', 'message', '127.0.0.2:25', { to: ['someone@gmail.example'] });
  const ids = (events: CapturedEvent[]) => events.map((e) => e.id);
  assert.deepEqual(ids(hub.list({ service: 'dns' })), [2, 1]);
  assert.deepEqual(ids(hub.list({ peer: '127.0.0.1' })), [1]);
  assert.deepEqual(ids(hub.list({ peer: '::1' })), [2]);
  assert.deepEqual(ids(hub.list({ peer: '[::1]:5353' })), [2]);
  assert.deepEqual(ids(hub.list({ sinceId: 1 })), [3, 2]);
  assert.deepEqual(ids(hub.list({ q: 'example.TEST' })), [1]);
  assert.deepEqual(ids(hub.list({ q: 'gmail' })), [3]);
  assert.deepEqual(ids(hub.list({}, 1)), [3]);
  assert.equal(matchesFilter(hub.list()[0]!, { kind: 'query' }), false);
  assert.equal(hub.clear({ service: 'dns', q: 'other' }), 1);
  assert.deepEqual(ids(hub.list()), [3, 1]);
});

test('waitFor finds an event held already, the newest that matches', async () => {
  const hub = new EventHub(10, () => 0);
  hub.record('http', 'request', '', { status: 200 });
  hub.record('http', 'request', '', { status: 404 });
  hub.record('http', 'request', '', { status: 200 });
  const found = await hub.waitFor((e) => e.status === 200);
  assert.equal(found.id, 3);
});

test('waitFor waits for an event to come, and sinceId skips the old ones', async () => {
  const hub = new EventHub(10, () => 0);
  hub.record('dns', 'query', '', { name: 'a.test' });
  const waiting = hub.waitFor((e) => e.name === 'a.test', { sinceId: hub.lastId, timeout: 2000 });
  setTimeout(() => hub.record('dns', 'query', '', { name: 'a.test' }), 10);
  assert.equal((await waiting).id, 2);
});

test('waitFor fails with WaitTimeoutError when nothing matches in time, and obeys a signal', async () => {
  const hub = new EventHub(10, () => 0);
  await assert.rejects(
    hub.waitFor(() => false, { timeout: 20 }),
    WaitTimeoutError,
  );
  const abort = new AbortController();
  const waiting = hub.waitFor(() => false, { signal: abort.signal, timeout: 60_000 });
  abort.abort(new Error('gave up'));
  await assert.rejects(waiting, /gave up/);
});

test('a predicate that throws rejects waitFor rather than the recording server', async () => {
  const hub = new EventHub(10, () => 0);
  const waiting = hub.waitFor(() => {
    throw new Error('bad predicate');
  });
  assert.doesNotThrow(() => hub.record('x', 'k', ''));
  await assert.rejects(waiting, /bad predicate/);
});

test('events() is a live feed from now on; a slow reader past its backlog loses the oldest', async () => {
  const hub = new EventHub(0, () => 0);
  assert.equal(hub.record('x', 'before', ''), undefined, 'nobody listens and nothing is kept');
  const feed = hub.events({ backlog: 3 });
  for (let i = 1; i <= 5; i++) hub.record('x', `k${i}`, '');
  const kinds: string[] = [];
  for await (const event of feed) {
    kinds.push(event.kind);
    if (kinds.length === 3) break;
  }
  assert.deepEqual(kinds, ['k3', 'k4', 'k5']);
  assert.equal(feed.dropped, 2);
  assert.equal(hub.active, false, 'breaking out of the loop unsubscribed the feed');
});

test('events() ends when its signal aborts', async () => {
  const hub = new EventHub(10, () => 0);
  const abort = new AbortController();
  const feed = hub.events({ signal: abort.signal });
  setTimeout(() => abort.abort(), 10);
  const seen: CapturedEvent[] = [];
  for await (const event of feed) seen.push(event);
  assert.equal(seen.length, 0);
});
