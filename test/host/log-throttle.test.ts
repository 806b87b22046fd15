import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogThrottle } from '../../src/host/log-throttle.js';

test('LogThrottle admits perWindow lines a window, then counts the rest and tells them at the next window', () => {
  let now = 1000;
  const told: number[] = [];
  const throttle = new LogThrottle((n) => told.push(n), {
    perWindow: 3,
    windowMs: 1000,
    now: () => now,
  });
  assert.deepEqual(
    Array.from({ length: 5 }, () => throttle.admit()),
    [true, true, true, false, false],
  );
  assert.deepEqual(told, []);
  now += 1000;
  assert.equal(throttle.admit(), true, 'a new window');
  assert.deepEqual(told, [2], "the last window's count, told before its first line");
  throttle.close();
  assert.deepEqual(told, [2], 'nothing held back: close() tells nothing');
});

test('LogThrottle tells a count when its window ends even if no line comes after it', async () => {
  const told: number[] = [];
  const done = new Promise<void>((resolve) => {
    const throttle = new LogThrottle(
      (n) => {
        told.push(n);
        resolve();
      },
      { perWindow: 1, windowMs: 20 },
    );
    throttle.admit();
    throttle.admit();
    throttle.admit();
  });
  // The throttle's timer does not keep a process alive (a server's loop does): this one does.
  const alive = setTimeout(() => {}, 10_000);
  try {
    await done;
  } finally {
    clearTimeout(alive);
  }
  assert.deepEqual(told, [2]);
});

test('LogThrottle refuses a window or a count that is not a positive integer', () => {
  assert.throws(() => new LogThrottle(() => {}, { perWindow: 0 }), RangeError);
  assert.throws(() => new LogThrottle(() => {}, { windowMs: 1.5 }), RangeError);
});
