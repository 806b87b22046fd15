import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SO_LINGER, SOL_SOCKET } from '../../src/socket/index.js';
import { monotonicMs } from '../../src/socket/monotonic-ms.js';
import { ReadinessListeners } from '../../src/socket/readiness.js';
import { RecvWaiter } from '../../src/socket/recv-waiter.js';
import { tcpPair } from './support.js';

/** A waiter over a queue of scripted `take` answers. */
function scripted(answers: Array<Buffer | null | Error>) {
  // `answers` is used as given, so a test may add to it later.
  const listeners = new ReadinessListeners();
  const calls: Array<[number, number]> = [];
  const waiter = new RecvWaiter(
    listeners,
    (size, flags) => {
      calls.push([size, flags]);
      const next = answers.shift() ?? null;
      if (next instanceof Error) throw next;
      return next;
    },
    () => new Error('timed out'),
  );
  return { listeners, waiter, calls };
}

describe('RecvWaiter', () => {
  test('resolves with the first bytes take() gives, trying again on each notify', async () => {
    const { listeners, waiter, calls } = scripted([null, Buffer.from('hi')]);
    const waiting = waiter.wait(10, 2, null);
    assert.equal(waiter.busy, true);
    listeners.notify();
    listeners.notify();
    assert.equal((await waiting).toString(), 'hi');
    assert.deepEqual(calls, [
      [10, 2],
      [10, 2],
    ]);
    assert.equal(waiter.busy, false);
    assert.equal(listeners.size, 0, 'its listener is gone');
  });

  test('rejects with what take() throws and stops listening', async () => {
    const { listeners, waiter } = scripted([new Error('reset')]);
    const waiting = waiter.wait(10, 0, null);
    listeners.notify();
    await assert.rejects(waiting, { message: 'reset' });
    assert.equal(listeners.size, 0);
    assert.equal(waiter.busy, false);
  });

  test('rejects with the timeout error at the deadline, and can wait again afterwards', async () => {
    const answers: Array<Buffer | null | Error> = [];
    const { listeners, waiter } = scripted(answers);
    await assert.rejects(waiter.wait(10, 0, monotonicMs() + 10), { message: 'timed out' });
    assert.equal(listeners.size, 0);
    const again = waiter.wait(10, 0, null);
    answers.push(Buffer.from('x'));
    listeners.notify();
    assert.equal((await again).toString(), 'x');
  });

  test('a later wait is not cut short by the timer an earlier, shorter wait left', async () => {
    const answers: Array<Buffer | null | Error> = [Buffer.from('a')];
    const { listeners, waiter } = scripted(answers);
    const first = waiter.wait(1, 0, monotonicMs() + 20);
    listeners.notify();
    assert.equal((await first).toString(), 'a');
    // The kept timer fires (at the first deadline) while this wait has a minute to go.
    const second = waiter.wait(1, 0, monotonicMs() + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    answers.push(Buffer.from('b'));
    listeners.notify();
    assert.equal((await second).toString(), 'b');
  });

  test('a wait with an earlier deadline than the kept timer times out at its own', async () => {
    const { listeners, waiter } = scripted([Buffer.from('a')]);
    const first = waiter.wait(1, 0, monotonicMs() + 60_000);
    listeners.notify();
    assert.equal((await first).toString(), 'a');
    await assert.rejects(waiter.wait(1, 0, monotonicMs() + 10), { message: 'timed out' });
  });

  test('the timer kept between waits does not keep the process alive', async () => {
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const { listeners, waiter } = scripted([Buffer.from('a')]);
    const waiting = waiter.wait(1, 0, monotonicMs() + 60_000);
    assert.equal(timers(), before + 1, 'a waiting receive holds its timer');
    listeners.notify();
    await waiting;
    assert.equal(timers(), before, 'an idle waiter holds none');
  });

  test('a waiter left with its timer after its last wait can still be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    await (async () => {
      const { listeners, waiter } = scripted([Buffer.from('a')]);
      registry.register(waiter, 'waiter');
      const waiting = waiter.wait(1, 0, monotonicMs() + 60_000);
      listeners.notify();
      await waiting;
    })();
    for (let round = 0; round < 20 && !collected; round++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(collected, true, 'the pending timer holds the waiter');
  });

  test('refuses a second wait while one is pending', async () => {
    const { waiter, listeners } = scripted([Buffer.from('a')]);
    const first = waiter.wait(1, 0, null);
    await assert.rejects(waiter.wait(1, 0, null), RangeError);
    listeners.notify();
    assert.equal((await first).toString(), 'a');
  });
});

describe('recv() waiting', () => {
  test('two recv() calls waiting at once on one socket both get bytes, in order', async () => {
    const [client, conn] = await tcpPair();
    const first = conn.recv(1);
    const second = conn.recv(1);
    await client.sendall('a');
    assert.equal((await first).toString(), 'a');
    await client.sendall('b');
    assert.equal((await second).toString(), 'b');
    client.close();
    conn.close();
  });

  test('a recv() that timed out leaves the socket able to wait again', async () => {
    const [client, conn] = await tcpPair();
    conn.settimeout(0.02);
    await assert.rejects(conn.recv(10), { code: 'ETIMEDOUT' });
    conn.settimeout(null);
    const waiting = conn.recv(10);
    await client.sendall('late');
    assert.equal((await waiting).toString(), 'late');
    client.close();
    conn.close();
  });

  test('a waiting recv() rejects with EBADF when its socket is closed, and ECONNRESET on a reset', async () => {
    const [client, conn] = await tcpPair();
    const waiting = conn.recv(10);
    conn.close();
    await assert.rejects(waiting, { code: 'EBADF' });
    const [client2, conn2] = await tcpPair();
    const reset = conn2.recv(10);
    client2.setsockopt(SOL_SOCKET, SO_LINGER, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
    client2.close();
    const result = await reset.then(
      (data) => data.length,
      (err: { code?: string }) => err.code,
    );
    assert.ok(result === 'ECONNRESET' || result === 0, String(result));
    client.close();
    conn2.close();
  });
});
