import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseFeed, sseMessage } from '../../../src/host/admin-api/event-stream.js';
import { EventHub } from '../../../src/host/capture/event-hub.js';
import { ManualClock } from '../../../src/testing/index.js';

const OPENING = ': polyport capture events\n\n';

function hubWithClock(): { hub: EventHub; clock: ManualClock } {
  const clock = new ManualClock(1_000);
  return { hub: new EventHub(100, () => clock.now()), clock };
}

/** Lets the feed's awaited promises settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('sseMessage() is the id line and the event as JSON on one data line', () => {
  const { hub } = hubWithClock();
  const event = hub.record('dns', 'query', '127.0.0.1:5353', { name: 'a\nb.test' })!;
  assert.equal(
    sseMessage(event),
    `id: 1\ndata: {"id":1,"time":1000,"service":"dns","kind":"query","peer":"127.0.0.1:5353","name":"a\\nb.test"}\n\n`,
  );
});

test('SseFeed sends the held events after sinceId oldest first, then the live ones that match', async () => {
  const { hub, clock } = hubWithClock();
  hub.record('dns', 'query', '', { name: 'old.test' });
  hub.record('dns', 'query', '', { name: 'held-1.test' });
  hub.record('http', 'request', '', { path: '/' });
  hub.record('dns', 'query', '', { name: 'held-2.test' });
  const feed = new SseFeed(hub, {
    filter: { service: 'dns', sinceId: 1 },
    keepAlive: 15_000,
    clock,
  });
  assert.equal((await feed.next()).value, OPENING);
  assert.match(String((await feed.next()).value), /^id: 2\n.*held-1/);
  assert.match(String((await feed.next()).value), /^id: 4\n.*held-2/);
  const live = feed.next();
  hub.record('http', 'request', '', { path: '/not-dns' });
  hub.record('dns', 'query', '', { name: 'live.test' });
  assert.match(String((await live).value), /^id: 6\n.*live\.test/);
  await feed.return();
});

test('SseFeed says keep-alive after a silence and still sends the event that comes later', async () => {
  const { hub, clock } = hubWithClock();
  const feed = new SseFeed(hub, { filter: {}, keepAlive: 15_000, clock });
  await feed.next();
  let answered = false;
  const quiet = feed.next().finally(() => {
    answered = true;
  });
  await settle();
  clock.advance(14_999);
  await settle();
  assert.equal(answered, false, 'nothing before the period is over');
  clock.advance(1);
  assert.deepEqual(await quiet, { done: false, value: ': keep-alive\n\n' });
  const next = feed.next();
  hub.record('smtp', 'message', '', { subject: 'after the silence' });
  assert.match(String((await next).value), /after the silence/);
  await feed.return();
});

test('SseFeed.return() unsubscribes at once, even while a next() waits, and ends that next()', async () => {
  const { hub, clock } = hubWithClock();
  const feed = new SseFeed(hub, { filter: {}, keepAlive: 15_000, clock });
  assert.equal(hub.listeners, 1);
  await feed.next();
  const waiting = feed.next();
  await settle();
  await feed.return();
  assert.equal(hub.listeners, 0);
  assert.deepEqual(await waiting, { done: true, value: undefined });
  assert.deepEqual(await feed.next(), { done: true, value: undefined });
});
