/** Running an accelerator's own tests with its public switch cleared, whatever CI's pass set. */

/**
 * Runs `fn` with the environment variable `name` removed, and puts it back afterwards (after
 * the promise settles when `fn` returns one).
 * @example await withSwitchOff('POLYPORT_PUBLIC_READS', () => slabReads.ready());
 */
export function withSwitchOff<T>(name: string, fn: () => T): T {
  const saved = process.env[name];
  delete process.env[name];
  const restore = (): void => {
    if (saved !== undefined) process.env[name] = saved;
  };
  let result: T;
  try {
    result = fn();
  } catch (err) {
    restore();
    throw err;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
