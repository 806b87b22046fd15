/**
 * The one-line progress display the transfer commands (`polyport http`, `polyport ftp`) draw on
 * a terminal: bytes so far, share of the total when it is known, and the rate.
 */
import type { Writable } from 'node:stream';

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * Makes a progress callback that redraws at most ten times a second (and always at the end,
 * when `bytes` reaches `total`, or when the returned `finish` is called).
 * @param stream where to draw (a terminal; the caller decides whether to draw at all).
 * @param label what is transferred (a path), shown first; may be ''.
 * @param total the expected size, or null/NaN when unknown.
 * @param now the clock in milliseconds (default `Date.now`).
 * @returns `update(bytes)` and `finish(bytes)`.
 * @example
 * const bar = byteProgress(process.stderr, 'pub/big.iso', size);
 * for await (const chunk of body) bar.update((done += chunk.length));
 * bar.finish(done);
 */
export function byteProgress(
  stream: Writable,
  label: string,
  total: number | null,
  now: () => number = Date.now,
): { update(bytes: number): void; finish(bytes: number): void } {
  const known = total !== null && Number.isFinite(total) && total > 0;
  const started = now();
  let drawnAt = Number.NEGATIVE_INFINITY;
  let ended = false;
  const draw = (bytes: number): void => {
    const at = now();
    drawnAt = at;
    const rate = bytes / Math.max((at - started) / 1000, 0.001);
    const pct = known ? Math.min(100, Math.floor((bytes / (total as number)) * 100)) : null;
    const bar =
      pct === null
        ? ''
        : `[${'#'.repeat(Math.floor(pct / 5)).padEnd(20)}] ${String(pct).padStart(3)}% `;
    const of = known ? ` / ${mib(total as number)}` : '';
    stream.write(`\r${label ? `${label} ` : ''}${bar}${mib(bytes)}${of} ${mib(rate)}/s  `);
  };
  const finish = (bytes: number): void => {
    if (ended) return;
    ended = true;
    draw(bytes);
    stream.write('\n');
  };
  return {
    update(bytes) {
      if (ended) return;
      if (known && bytes >= (total as number)) finish(bytes);
      else if (now() - drawnAt >= 100) draw(bytes);
    },
    finish,
  };
}
