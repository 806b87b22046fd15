/**
 * `monotonicMs()`: the clock of socket deadlines.
 *
 * Why not `performance.now()`: the global `performance` loads `node:perf_hooks` (nine modules)
 * on first use, and the first `recv()` with a timeout would pay that in every client command.
 * `process.hrtime()` reads the same monotonic clock and is there from start-up.
 */

/**
 * Milliseconds on a monotonic clock (with sub-millisecond precision), from an arbitrary origin:
 * only the difference of two readings means something. It never goes back, whatever the wall
 * clock does.
 * @returns the current reading.
 * @example const deadline = monotonicMs() + seconds * 1000;
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1000 + nanoseconds / 1e6;
}
