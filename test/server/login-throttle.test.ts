import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginThrottle, loginThrottleSettings } from '../../src/server/login-throttle.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

test('LoginThrottle waits the delay on the clock after each failure and says to close at the cap', async () => {
  const clock = new ManualClock();
  const throttle = new LoginThrottle({ clock, delay: 1000, maxAttempts: 3 });
  const outcomes: boolean[] = [];
  for (let i = 0; i < 3; i++) {
    let settled = false;
    const pending = throttle.failed().then((close) => {
      settled = true;
      outcomes.push(close);
    });
    await Promise.resolve();
    clock.advance(999);
    await Promise.resolve();
    assert.equal(settled, false, 'no answer before the delay');
    clock.advance(1);
    await pending;
  }
  assert.deepEqual(outcomes, [false, false, true]);
  assert.equal(throttle.failures, 3);
});

test('LoginThrottle with no delay answers at once', async () => {
  const throttle = new LoginThrottle({ clock: new ManualClock(), delay: 0, maxAttempts: 1 });
  assert.equal(await throttle.failed(), true);
});

test('loginThrottleSettings() applies the defaults and refuses out-of-range values', () => {
  assert.deepEqual(loginThrottleSettings(undefined, undefined), { delay: 1000, maxAttempts: 3 });
  assert.deepEqual(loginThrottleSettings(0, 10), { delay: 0, maxAttempts: 10 });
  assert.throws(() => loginThrottleSettings(-1, 3), RangeError);
  assert.throws(() => loginThrottleSettings(Number.NaN, 3), RangeError);
  assert.throws(() => loginThrottleSettings(10, 0), RangeError);
  assert.throws(() => loginThrottleSettings(10, 1.5), RangeError);
});
