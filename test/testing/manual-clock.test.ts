import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/testing/index.js';

test('ManualClock stands still until advance() moves it', () => {
  const clock = new ManualClock(1000);
  assert.equal(clock.now(), 1000);
  clock.advance(250);
  assert.equal(clock.now(), 1250);
  assert.equal(new ManualClock().now(), 0);
});

test('a timer fires when its time is advanced past, not before, and sees its own due time', () => {
  const clock = new ManualClock(0);
  const fired: number[] = [];
  clock.setTimer(100, () => fired.push(clock.now()));
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, [100]);
  clock.advance(1000);
  assert.deepEqual(fired, [100], 'a timer fires once');
  assert.equal(clock.pendingTimers, 0);
});

test('timers fire in order of due time, then in the order they were set', () => {
  const clock = new ManualClock();
  const order: string[] = [];
  clock.setTimer(30, () => order.push('c'));
  clock.setTimer(10, () => order.push('a'));
  clock.setTimer(10, () => order.push('b'));
  clock.advance(100);
  assert.deepEqual(order, ['a', 'b', 'c']);
});

test('a cancelled timer does not fire, and cancelling twice is harmless', () => {
  const clock = new ManualClock();
  let fired = false;
  const timer = clock.setTimer(5, () => {
    fired = true;
  });
  timer.cancel();
  timer.cancel();
  clock.advance(10);
  assert.equal(fired, false);
});

test('a timer set by a firing timer fires within the same advance when it falls due', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  clock.setTimer(10, () => {
    fired.push(clock.now());
    clock.setTimer(10, () => fired.push(clock.now()));
  });
  clock.advance(25);
  assert.deepEqual(fired, [10, 20]);
  assert.equal(clock.now(), 25);
});

test('setInterval() fires every period until cancelled', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  const timer = clock.setInterval(10, () => fired.push(clock.now()));
  clock.advance(35);
  assert.deepEqual(fired, [10, 20, 30]);
  timer.cancel();
  clock.advance(100);
  assert.equal(fired.length, 3);
});

test('ManualClock refuses negative or non-finite times and delays', () => {
  const clock = new ManualClock();
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.advance(Number.NaN), RangeError);
  assert.throws(() => clock.setTimer(-5, () => {}), RangeError);
  assert.throws(() => clock.setTimer(Number.POSITIVE_INFINITY, () => {}), RangeError);
  assert.throws(() => clock.setInterval(0, () => {}), RangeError);
  assert.throws(() => new ManualClock(Number.NaN), RangeError);
  assert.throws(() => clock.setTimer(1, 'no' as never), TypeError);
});

test('an error thrown by a timer propagates from advance(), leaving time at its due time', () => {
  const clock = new ManualClock();
  clock.setTimer(10, () => {
    throw new Error('timer failed');
  });
  assert.throws(() => clock.advance(50), /timer failed/);
  assert.equal(clock.now(), 10);
});
