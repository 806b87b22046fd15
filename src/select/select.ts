/**
 * `select()`, as Python's `select.select()`.
 */
import {
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  type Watchable,
} from '../socket/index.js';
import { badFile, type Selectable, watchableOf } from './selectable.js';
import { checkSeconds, waitForReady } from './wait.js';

/** Readiness bits that make a socket "readable" for select: recv/accept would not wait. */
export const SELECT_READABLE = READY_READ | READY_HUP | READY_ERROR;

/** Readiness bits that make a socket "writable" for select: send would not wait (or fails at once). */
export const SELECT_WRITABLE = READY_WRITE | READY_ERROR;

/**
 * Waits until some of the sockets or descriptors are ready: those in `rlist` to read (data, a
 * pending connection, end of stream, or an error to report), those in `wlist` to write. Node has
 * no out-of-band data, so `xlist` reports sockets with a pending error (as Windows reports a
 * failed non-blocking connect). As CPython on Unix, any file descriptor works beside polyport
 * sockets — an integer or an object with `fileno()`: pipes, ttys, stdin, and regular files,
 * which are always ready (descriptors need the native addon: `npm run build:native`).
 *
 * @param rlist what to watch for reading.
 * @param wlist what to watch for writing.
 * @param xlist what to watch for exceptional conditions.
 * @param timeout seconds; `0` polls; `null` or omitted waits until something is ready.
 * @returns the ready subsets of each list, in their original order (all empty on timeout).
 * @throws {SocketError} `EBADF` when a socket or descriptor is closed (also one closed during
 *   the wait, seen when the wait next wakes); `ESOCKTNOSUPPORT` for a descriptor without the
 *   native addon; {TypeError} for an object that is none of these; {RangeError} for a negative
 *   timeout or descriptor (Python's `ValueError`).
 * @example const [readable] = await select([server, ...clients], [], [], 1.0);
 * @example const [[line]] = await select([0], [], []); // stdin has something to read
 */
export async function select<R extends Selectable, W extends Selectable, X extends Selectable>(
  rlist: readonly R[],
  wlist: readonly W[],
  xlist: readonly X[],
  timeout?: number | null,
): Promise<[R[], W[], X[]]> {
  const seconds = checkSeconds(timeout, 'select', 'throw');
  const descriptors = new Map<number, Watchable>();
  const r = rlist.map((f) => watchableOf(f, 'select', descriptors));
  const w = wlist.map((f) => watchableOf(f, 'select', descriptors));
  const x = xlist.map((f) => watchableOf(f, 'select', descriptors));
  const check = (): [R[], W[], X[]] | null => {
    const readable = rlist.filter((_, i) => ready(r[i]!.readiness, SELECT_READABLE));
    const writable = wlist.filter((_, i) => ready(w[i]!.readiness, SELECT_WRITABLE));
    const exceptional = xlist.filter((_, i) => ready(x[i]!.readiness, READY_ERROR));
    if (readable.length + writable.length + exceptional.length === 0) return null;
    return [readable, writable, exceptional];
  };
  return waitForReady([...new Set([...r, ...w, ...x])], check, seconds, () => [[], [], []]);
}

function ready(bits: number, mask: number): boolean {
  if (bits & READY_CLOSED) throw badFile('select');
  return (bits & mask) !== 0;
}
