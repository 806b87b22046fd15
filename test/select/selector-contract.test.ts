/**
 * The selector contract, written once and run against every implementation (as CPython's
 * test_selectors runs one suite over each backend).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  type BaseSelector,
  DefaultSelector,
  EVENT_READ,
  EVENT_WRITE,
  PollSelector,
  SelectSelector,
} from '../../src/select/index.js';
import { AF_INET, SOCK_STREAM, type Socket, SocketError, socket } from '../../src/socket/index.js';
import { connectedPair, memorySocketPair } from '../../src/testing/index.js';

const IMPLEMENTATIONS: ReadonlyArray<[string, () => BaseSelector<unknown>]> = [
  ['DefaultSelector', () => new DefaultSelector()],
  ['PollSelector', () => new PollSelector()],
  ['SelectSelector', () => new SelectSelector()],
];

const open: Socket[] = [];
async function pair(): Promise<[Socket, Socket]> {
  const p = await connectedPair();
  open.push(...p);
  return p;
}
after(() => {
  for (const s of open) s.close();
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const [name, make] of IMPLEMENTATIONS) {
  describe(`${name} (selector contract)`, () => {
    test('register() returns a key with the object, its fd, the events and the data', async () => {
      const [a] = await pair();
      const sel = make();
      const key = sel.register(a, EVENT_READ, 'data');
      assert.equal(key.fileobj, a);
      assert.equal(key.fd, a.fileno());
      assert.ok(key.fd >= 0, 'key.fd >= 0');
      assert.equal(key.events, EVENT_READ);
      assert.equal(key.data, 'data');
      assert.equal(sel.getKey(a), key);
      assert.deepEqual([...sel.getMap().keys()], [a]);
      sel.close();
    });

    test('register() refuses events other than EVENT_READ | EVENT_WRITE', async () => {
      const [a] = await pair();
      const sel = make();
      for (const bad of [0, 4, -1, 1.5, Number.NaN, EVENT_READ | 8]) {
        assert.throws(() => sel.register(a, bad), RangeError, String(bad));
      }
      assert.equal(sel.getMap().size, 0);
      sel.close();
    });

    test('register() refuses an object registered already', async () => {
      const [a] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      assert.throws(() => sel.register(a, EVENT_WRITE), RangeError);
      sel.close();
    });

    test('register() refuses objects that are not sockets, do not expose one and are no descriptor', () => {
      const sel = make();
      for (const bad of [{}, null, 4.2, 'sock', { socket: {} }, { socket: null }]) {
        assert.throws(() => sel.register(bad as never, EVENT_READ), TypeError);
      }
      sel.close();
    });

    test('register() refuses a closed socket with EBADF', () => {
      const s = socket(AF_INET, SOCK_STREAM);
      s.close();
      const sel = make();
      assert.throws(
        () => sel.register(s, EVENT_READ),
        (err: unknown) => err instanceof SocketError && err.code === 'EBADF',
      );
      sel.close();
    });

    test('an object exposing a socket is registered and reported as itself', async () => {
      const [a, b] = await pair();
      const holder = { socket: a };
      const sel = make();
      sel.register(holder, EVENT_READ);
      await b.sendall('x');
      const ready = await sel.select(5);
      assert.equal(ready.length, 1);
      assert.equal(ready[0]?.[0].fileobj, holder);
      sel.close();
    });

    test('unregister() returns the key and forgets the object; unknown objects are refused', async () => {
      const [a, b] = await pair();
      const sel = make();
      const key = sel.register(a, EVENT_READ);
      assert.equal(sel.unregister(a), key);
      assert.equal(sel.getMap().size, 0);
      assert.throws(() => sel.getKey(a), RangeError);
      assert.throws(() => sel.unregister(a), RangeError);
      assert.throws(() => sel.unregister(b), RangeError);
      sel.close();
    });

    test('modify() changes the events and the data; unknown objects and bad events are refused', async () => {
      const [a, b] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ, 1);
      const key = sel.modify(a, EVENT_WRITE, 2);
      assert.equal(key.events, EVENT_WRITE);
      assert.equal(key.data, 2);
      assert.equal(sel.getKey(a), key);
      assert.equal(sel.modify(a, EVENT_READ).data, undefined);
      assert.throws(() => sel.modify(b, EVENT_READ), RangeError);
      assert.throws(() => sel.modify(a, 0), RangeError);
      assert.throws(() => sel.modify(a, 7), RangeError);
      sel.close();
    });

    test('select(0) returns an empty list at once when nothing is ready', async () => {
      const [a] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      const start = performance.now();
      assert.deepEqual(await sel.select(0), []);
      const took = performance.now() - start;
      // A generous bound: a loaded machine stays far under it; a select(0) that waits does not.
      assert.ok(took < 1000, `select(0) took ${took} ms`);
      assert.deepEqual(await sel.select(-1), [], 'a negative timeout polls too');
      sel.close();
    });

    test('select(timeout) returns an empty list after the timeout when nothing is ready', async () => {
      const [a] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      const start = performance.now();
      assert.deepEqual(await sel.select(0.1), []);
      const took = performance.now() - start;
      // At least the timeout (timers may fire up to 1 ms early); at most a generous bound that
      // a loaded machine stays under but a timeout read in the wrong unit would not.
      assert.ok(took >= 90 && took < 5000, `took ${took} ms`);
      sel.close();
    });

    test('select(null) waits until data arrives and reports EVENT_READ with the data', async () => {
      const [a, b] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ, 'reader');
      setTimeout(() => void b.sendall('ping'), 30);
      const ready = await sel.select(null);
      assert.equal(ready.length, 1);
      const [key, events] = ready[0]!;
      assert.equal(key.fileobj, a);
      assert.equal(key.data, 'reader');
      assert.equal(events, EVENT_READ);
      sel.close();
    });

    test('select() with no timeout waits as null does', async () => {
      const [a, b] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      setTimeout(() => void b.sendall('ping'), 20);
      assert.equal((await sel.select()).length, 1);
      sel.close();
    });

    test('a connected socket with room is reported for EVENT_WRITE only when asked', async () => {
      const [a] = await pair();
      const sel = make();
      sel.register(a, EVENT_WRITE);
      assert.deepEqual(
        (await sel.select(0)).map(([k, e]) => [k.fileobj, e]),
        [[a, EVENT_WRITE]],
      );
      sel.modify(a, EVENT_READ);
      assert.deepEqual(await sel.select(0), []);
      sel.close();
    });

    test('a socket both readable and writable is reported once with both events', async () => {
      const [a, b] = await pair();
      await b.sendall('x');
      const sel = make();
      sel.register(a, EVENT_READ | EVENT_WRITE);
      await sleep(20);
      const ready = await sel.select(1);
      assert.equal(ready.length, 1);
      assert.equal(ready[0]?.[1], EVENT_READ | EVENT_WRITE);
      sel.close();
    });

    test('only the ready objects are reported, each with its own key', async () => {
      const [a, b] = await pair();
      const [c] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ, 'a');
      sel.register(c, EVENT_READ, 'c');
      await b.sendall('x');
      const ready = await sel.select(5);
      assert.deepEqual(
        ready.map(([k]) => k.data),
        ['a'],
      );
      sel.close();
    });

    test('a listening socket is readable when a connection is pending', async () => {
      const server = socket(AF_INET, SOCK_STREAM);
      await server.bind(['127.0.0.1', 0]);
      await server.listen();
      open.push(server);
      const sel = make();
      sel.register(server, EVENT_READ);
      assert.deepEqual(await sel.select(0), []);
      const client = socket(AF_INET, SOCK_STREAM);
      open.push(client);
      await client.connect(server.getsockname());
      const ready = await sel.select(5);
      assert.equal(ready[0]?.[1], EVENT_READ);
      assert.notEqual(server.acceptNowait(), null);
      sel.close();
    });

    test('end of stream makes a socket readable', async () => {
      const [a, b] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      b.close();
      const ready = await sel.select(5);
      assert.equal(ready[0]?.[1], EVENT_READ);
      assert.equal((await a.recv(10)).length, 0);
      sel.close();
    });

    test('a socket closed while registered is left out and the wait still times out', async () => {
      const [a] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ | EVENT_WRITE);
      a.close();
      const start = performance.now();
      assert.deepEqual(await sel.select(0.05), []);
      // Returning at once would take ~0 ms. The margin is wide: timers count from the event
      // loop's cached time, which on a loaded machine lags performance.now() by many ms.
      assert.ok(performance.now() - start >= 25, 'performance.now() - start >= 25');
      sel.close();
    });

    test('a socket closed during the wait does not end it; other sockets are still reported', async () => {
      const [a] = await pair();
      const [c, d] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ, 'closed');
      sel.register(c, EVENT_READ, 'live');
      let sent = false;
      setTimeout(() => a.close(), 10);
      setTimeout(() => {
        sent = true;
        void d.sendall('x');
      }, 60);
      const ready = await sel.select(5);
      // The close at 10 ms did not end the wait: only the send at 60 ms did.
      assert.ok(sent, 'select() returned only after the live socket was sent to');
      assert.deepEqual(
        ready.map(([k]) => k.data),
        ['live'],
      );
      sel.close();
    });

    test('an object unregistered while select() waits is not reported', async () => {
      const [a, b] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      const pending = sel.select(0.2);
      sel.unregister(a);
      await b.sendall('x');
      assert.deepEqual(await pending, []);
      sel.close();
    });

    test('in-memory sockets work like real ones', async () => {
      const [a, b] = memorySocketPair();
      const sel = make();
      sel.register(a, EVENT_READ, 'mem');
      setTimeout(() => b.sendNowait('hi'), 10);
      const ready = await sel.select(5);
      assert.equal(ready[0]?.[0].data, 'mem');
      sel.close();
    });

    test('an error pending on a socket makes it readable and writable', async () => {
      const [a] = memorySocketPair();
      const sel = make();
      sel.register(a, EVENT_READ | EVENT_WRITE);
      a.sendBufferSize = 1;
      a.sendNowait('x');
      assert.deepEqual(await sel.select(0), []);
      a.resetByPeer();
      const ready = await sel.select(1);
      assert.equal(ready[0]?.[1], EVENT_READ | EVENT_WRITE);
      sel.close();
    });

    test('select() rejects a timeout that is not a number', async () => {
      const sel = make();
      await assert.rejects(sel.select('1' as never), TypeError);
      await assert.rejects(sel.select(Number.NaN), TypeError);
      sel.close();
    });

    test('close() unregisters everything and the selector refuses further use', async () => {
      const [a] = await pair();
      const sel = make();
      sel.register(a, EVENT_READ);
      sel.close();
      assert.equal(sel.getMap().size, 0);
      assert.throws(() => sel.register(a, EVENT_READ), RangeError);
      assert.throws(() => sel.modify(a, EVENT_READ), RangeError);
      assert.throws(() => sel.unregister(a), RangeError);
      await assert.rejects(sel.select(0), RangeError);
      assert.throws(() => sel.getKey(a), RangeError);
    });

    test('a using declaration closes the selector', async () => {
      const [a] = await pair();
      let kept: BaseSelector<unknown>;
      {
        using sel = make();
        sel.register(a, EVENT_READ);
        kept = sel;
      }
      assert.equal(kept.getMap().size, 0);
      assert.throws(() => kept.register(a, EVENT_READ), RangeError);
    });
  });
}
