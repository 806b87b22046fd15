/**
 * The one waiting primitive under `select()`, `poll()` and the selectors: wait until a
 * condition over some sockets holds, woken by their readiness listeners — never by polling.
 */
import type { Watchable } from '../socket/index.js';

/**
 * Resolves when `check()` returns a non-null result, re-evaluated whenever any of `sources`
 * may have changed, or with `onTimeout()` after `timeout` seconds (`null`: never).
 * @param sources the sockets to watch.
 * @param check computes the result, or null while nothing is ready.
 * @param timeout seconds; 0 or negative checks once.
 * @param onTimeout the result when the time runs out.
 */
export function waitForReady<T>(
  sources: readonly Watchable[],
  check: () => T | null,
  timeout: number | null,
  onTimeout: () => T,
): Promise<T> {
  const first = check();
  if (first !== null) return Promise.resolve(first);
  if (timeout !== null && timeout <= 0) return Promise.resolve(onTimeout());
  return new Promise<T>((resolve, reject) => {
    const stops: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (result: T): void => {
      done = true;
      for (const stop of stops) stop();
      if (timer !== undefined) clearTimeout(timer);
      resolve(result);
    };
    const recheck = (): void => {
      if (done) return;
      try {
        const result = check();
        if (result !== null) finish(result);
      } catch (err) {
        done = true;
        for (const stop of stops) stop();
        if (timer !== undefined) clearTimeout(timer);
        reject(err);
      }
    };
    try {
      for (const source of sources) stops.push(source.watch(recheck));
    } catch (err) {
      // A descriptor that cannot be watched (closed meanwhile): release those already watched.
      done = true;
      for (const stop of stops) stop();
      reject(err);
      return;
    }
    // Once more now that every source is watched: what became ready between the first check and
    // the watch (a descriptor's watcher is armed only for what is not ready yet) is seen here.
    recheck();
    if (done) return;
    if (timeout !== null) {
      // setTimeout() fires at once for delays past 2^31-1 ms; longer waits are chained.
      const deadline = performance.now() + timeout * 1000;
      const arm = (): void => {
        const left = deadline - performance.now();
        if (left <= 0) finish(onTimeout());
        else timer = setTimeout(arm, Math.min(left, MAX_DELAY));
      };
      timer = setTimeout(arm, Math.min(timeout * 1000, MAX_DELAY));
    }
  });
}

/** The longest delay `setTimeout()` honours. */
export const MAX_DELAY = 2 ** 31 - 1;

/**
 * Validates a timeout in seconds (null, undefined or +Infinity wait forever).
 * @param negative `'poll'` treats a negative timeout as 0, as selectors do; `'throw'` refuses
 *   it, as Python's `select.select()` does.
 * @throws {TypeError} for a non-number; {RangeError} for a negative one with `'throw'`.
 */
export function checkSeconds(
  timeout: unknown,
  op: string,
  negative: 'poll' | 'throw' = 'poll',
): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new TypeError(
      `${op}(): timeout must be a number of seconds or null, got ${String(timeout)}`,
    );
  }
  if (timeout < 0) {
    if (negative === 'throw')
      throw new RangeError(`${op}(): timeout must be non-negative, got ${timeout}`);
    return 0;
  }
  if (!Number.isFinite(timeout)) return null;
  return timeout;
}
