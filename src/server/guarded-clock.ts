/**
 * `guardedClock()`: a clock whose timer callbacks cannot throw into the event loop. A throw in
 * a Node timer is an uncaught exception: without a handler it ends the process and every
 * service in it. Behind this clock it is handed to one connection, which closes.
 */
import type { Clock } from './clock.js';

/**
 * Wraps a clock so that an exception escaping a timer callback goes to `onError` instead of
 * the event loop.
 *
 * @param clock The clock to wrap (its `now()` is used as it is).
 * @param onError Takes what a callback threw (a connection closes itself here). If it throws
 *   too, that error escapes as before.
 * @returns A clock with the same time and timers.
 * @example
 * const clock = guardedClock(systemClock, (err) => channel.handleUncaught(err));
 * clock.setTimer(10, () => { throw new Error('bug'); }); // the channel closes; the loop runs on
 */
export function guardedClock(clock: Clock, onError: (error: unknown) => void): Clock {
  return {
    now: () => clock.now(),
    setTimer(ms, callback) {
      return clock.setTimer(ms, () => {
        try {
          callback();
        } catch (err) {
          onError(err);
        }
      });
    },
  };
}
