import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyTimer } from '../../../src/protocols/http/server/body-timer.js';
import { ManualClock } from '../../../src/testing/index.js';

/** A timer over a 10 s limit whose hooks are driven by the test. */
function timerWith(clock: ManualClock): {
  timer: BodyTimer;
  state: { awaited: boolean; held: boolean; expired: number };
} {
  const state = { awaited: true, held: false, expired: 0 };
  const timer = new BodyTimer(clock, 10, {
    awaited: () => state.awaited,
    held: () => state.held,
    expired: () => state.expired++,
  });
  return { timer, state };
}

test('BodyTimer expires once a body goes its whole limit without a byte', () => {
  const clock = new ManualClock();
  const { timer, state } = timerWith(clock);
  timer.start(clock.now());
  clock.advance(9_999);
  assert.equal(state.expired, 0);
  clock.advance(1);
  assert.equal(state.expired, 1);
});

test('BodyTimer counts the quiet time from the last byte, not from the start', () => {
  const clock = new ManualClock();
  const { timer, state } = timerWith(clock);
  timer.start(clock.now());
  clock.advance(6_000);
  timer.activity(clock.now());
  clock.advance(9_000);
  assert.equal(state.expired, 0, 'the first firing found only 4 s of quiet and re-armed');
  clock.advance(1_000);
  assert.equal(state.expired, 1);
});

test('BodyTimer does not blame the client for a body the handler leaves unread', () => {
  const clock = new ManualClock();
  const { timer, state } = timerWith(clock);
  timer.start(clock.now());
  state.held = true;
  clock.advance(30_000);
  assert.equal(state.expired, 0);
  state.held = false;
  clock.advance(10_000);
  assert.equal(state.expired, 1);
});

test('BodyTimer does nothing once stopped, once the body is no longer awaited, or without a limit', () => {
  const clock = new ManualClock();
  const stopped = timerWith(clock);
  stopped.timer.start(clock.now());
  stopped.timer.stop();
  const stale = timerWith(clock);
  stale.timer.start(clock.now());
  stale.state.awaited = false;
  let fired = 0;
  const unlimited = new BodyTimer(clock, 0, {
    awaited: () => true,
    held: () => false,
    expired: () => fired++,
  });
  unlimited.start(clock.now());
  clock.advance(60_000);
  assert.equal(stopped.state.expired, 0);
  assert.equal(stale.state.expired, 0);
  assert.equal(fired, 0);
});
