import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
  poll,
  pollEvents,
} from '../../src/select/index.js';
import {
  AF_INET,
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  SHUT_WR,
  SOCK_DGRAM,
  SOCK_STREAM,
  type Socket,
  socket,
} from '../../src/socket/index.js';
import { connectedPair } from '../../src/testing/index.js';

const open: Socket[] = [];
after(() => {
  for (const s of open) s.close();
});
async function pair(): Promise<[Socket, Socket]> {
  const p = await connectedPair();
  open.push(...p);
  return p;
}

describe('poll()', () => {
  test('poll(0) returns an empty list at once when nothing wanted is ready', async () => {
    const [a] = await pair();
    const p = poll();
    p.register(a, POLLIN);
    assert.deepEqual(await p.poll(0), []);
  });

  test('poll(ms) reports POLLIN once data arrives, with the registered object', async () => {
    const [a, b] = await pair();
    const p = poll();
    p.register(a, POLLIN);
    setTimeout(() => void b.sendall('x'), 20);
    assert.deepEqual(await p.poll(5000), [[a, POLLIN]]);
  });

  test('poll() with no timeout, null or a negative one waits until something happens', async () => {
    const [a, b] = await pair();
    const p = poll();
    p.register(a, POLLIN);
    for (const timeout of [undefined, null, -1]) {
      setTimeout(() => void b.sendall('x'), 10);
      assert.deepEqual(await p.poll(timeout), [[a, POLLIN]]);
      await a.recv(10);
    }
  });

  test('poll(ms) returns an empty list after the timeout', async () => {
    const [a] = await pair();
    const p = poll();
    p.register(a, POLLIN);
    const start = performance.now();
    assert.deepEqual(await p.poll(60), []);
    // Wide margin: timers count from the event loop's cached time, which lags on a loaded machine.
    assert.ok(performance.now() - start >= 30, 'performance.now() - start >= 30');
  });

  test('register() with the default mask reports POLLOUT for a writable socket', async () => {
    const [a] = await pair();
    const p = poll();
    p.register(a);
    assert.deepEqual(await p.poll(0), [[a, POLLOUT]]);
  });

  test('modify() changes the mask, and registering again does too', async () => {
    const [a, b] = await pair();
    await b.sendall('x');
    // Wait until the byte is there, not for a fixed time that a loaded machine may overrun.
    const arrival = poll();
    arrival.register(a, POLLIN);
    assert.deepEqual(await arrival.poll(5000), [[a, POLLIN]]);
    const p = poll();
    p.register(a, POLLOUT);
    assert.deepEqual(await p.poll(0), [[a, POLLOUT]]);
    p.modify(a, POLLIN);
    assert.deepEqual(await p.poll(0), [[a, POLLIN]]);
    p.register(a, POLLIN | POLLOUT);
    assert.deepEqual(await p.poll(0), [[a, POLLIN | POLLOUT]]);
  });

  test('unregister() stops reporting a socket; unknown sockets are refused', async () => {
    const [a, b] = await pair();
    const p = poll();
    p.register(a, POLLOUT);
    p.unregister(a);
    assert.deepEqual(await p.poll(0), []);
    assert.throws(() => p.unregister(a), RangeError);
    assert.throws(() => p.modify(b, POLLIN), RangeError);
  });

  test('register() and modify() refuse masks outside 0..65535 and objects that are not sockets', async () => {
    const [a] = await pair();
    const p = poll();
    for (const bad of [-1, 65536, 1.5, Number.NaN]) {
      assert.throws(() => p.register(a, bad), RangeError);
    }
    p.register(a, POLLIN);
    assert.throws(() => p.modify(a, -2), RangeError);
    assert.throws(() => p.register({} as never, POLLIN), TypeError);
  });

  test('poll() rejects a timeout that is not a number', async () => {
    const p = poll();
    await assert.rejects(p.poll('1' as never), TypeError);
    await assert.rejects(p.poll(Number.NaN), TypeError);
  });

  test('a closed socket is reported as POLLNVAL whatever the mask', async () => {
    const [a] = await pair();
    const p = poll();
    p.register(a, POLLIN);
    a.close();
    assert.deepEqual(await p.poll(0), [[a, POLLNVAL]]);
  });

  test('a listening socket reports POLLIN for a pending connection', async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    open.push(server);
    await server.bind(['127.0.0.1', 0]);
    await server.listen();
    const p = poll();
    p.register(server, POLLIN);
    const client = socket(AF_INET, SOCK_STREAM);
    open.push(client);
    await client.connect(server.getsockname());
    assert.deepEqual(await p.poll(5000), [[server, POLLIN]]);
  });

  test('end of stream after our own shutdown reports POLLHUP even when not asked for', async () => {
    const [a, b] = await pair();
    const p = poll();
    p.register(a, POLLPRI);
    a.shutdown(SHUT_WR);
    b.close();
    const ready = await p.poll(5000);
    assert.equal(ready.length, 1);
    assert.ok((ready[0]?.[1] ?? 0) & POLLHUP, '(ready[0]?.[1] ?? 0) & POLLHUP');
  });

  test('a UDP socket reports POLLIN when a datagram arrives', async () => {
    const receiver = socket(AF_INET, SOCK_DGRAM);
    const sender = socket(AF_INET, SOCK_DGRAM);
    open.push(receiver, sender);
    await receiver.bind(['127.0.0.1', 0]);
    const p = poll();
    p.register(receiver, POLLIN);
    await sender.sendto('x', receiver.getsockname());
    assert.deepEqual(await p.poll(5000), [[receiver, POLLIN]]);
  });
});

describe('pollEvents()', () => {
  test('pollEvents() passes the wanted events and always reports errors, hang-ups and closed sockets', () => {
    assert.equal(pollEvents(READY_READ | READY_WRITE, POLLIN), POLLIN);
    assert.equal(pollEvents(READY_READ | READY_WRITE, POLLOUT), POLLOUT);
    assert.equal(pollEvents(READY_ERROR, 0), POLLERR);
    assert.equal(pollEvents(READY_HUP | READY_READ, 0), POLLHUP);
    assert.equal(pollEvents(READY_CLOSED | READY_READ, POLLIN), POLLNVAL);
    assert.equal(pollEvents(0, POLLIN | POLLOUT), 0);
  });
});
