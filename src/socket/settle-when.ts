/**
 * `settleWhen()`: how every waiting socket call waits: one promise, settled from the socket's
 * readiness listener itself, with an optional deadline.
 */
import { monotonicMs } from './monotonic-ms.js';
import type { ListenerRegistry } from './readiness.js';

/**
 * Waits until `attempt()` returns something other than `null`, trying it each time the
 * listeners are notified (readiness may have changed). One closure and one promise per wait,
 * and the result is taken inside the I/O callback that made it ready, so nothing can slip in
 * between. An error thrown by `attempt()` rejects the promise.
 *
 * @param listeners where the socket's readiness listeners go (the socket itself).
 * @param attempt tries to complete the call: the result, or `null` to keep waiting.
 * @param deadline {@link monotonicMs} time to give up at, or `null` to wait for ever.
 * @param timeoutError makes the error to reject with at the deadline.
 * @returns the first result `attempt()` gives.
 * @throws whatever `attempt()` throws, or `timeoutError()` at the deadline.
 * @example
 * const data = await settleWhen(listeners, () => engine.tryRead(), null, () => new Error('t'));
 */
export function settleWhen<T>(
  listeners: ListenerRegistry,
  attempt: () => T | null,
  deadline: number | null,
  timeoutError: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      listeners.removeReadinessListener(listener);
      if (timer !== undefined) clearTimeout(timer);
    };
    const listener = (): void => {
      let result: T | null;
      try {
        result = attempt();
      } catch (err) {
        finish();
        reject(err);
        return;
      }
      if (result === null) return;
      finish();
      resolve(result);
    };
    listeners.addReadinessListener(listener);
    if (deadline !== null) {
      timer = setTimeout(
        () => {
          listeners.removeReadinessListener(listener);
          reject(timeoutError());
        },
        Math.max(0, deadline - monotonicMs()),
      );
    }
  });
}
