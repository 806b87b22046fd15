/**
 * `poll()`, as Python's `select.poll()`: a registry of sockets and the events wanted of each.
 */
import type { Watchable } from '../socket/index.js';
import { READY_CLOSED, READY_ERROR, READY_HUP, READY_READ, READY_WRITE } from '../socket/index.js';
import { type Selectable, watchableOf } from './selectable.js';
import { waitForReady } from './wait.js';

/** Data to read (or a connection to accept, or end of stream). */
export const POLLIN = 0x1;
/** Urgent data; Node has none, so it is never reported. */
export const POLLPRI = 0x2;
/** Writing would not wait. */
export const POLLOUT = 0x4;
/** An error is pending (always reported). */
export const POLLERR = 0x8;
/** Hung up (always reported). */
export const POLLHUP = 0x10;
/** The socket is closed (always reported). */
export const POLLNVAL = 0x20;
/** Aliases Linux defines; polyport reports POLLIN/POLLOUT. */
export const POLLRDNORM = 0x40;
/** Priority band data; never reported. */
export const POLLRDBAND = 0x80;
/** Linux alias of POLLOUT; polyport reports POLLOUT. */
export const POLLWRNORM = 0x100;
/** Priority band writable; never reported. */
export const POLLWRBAND = 0x200;
/** Unused on Linux; never reported. */
export const POLLMSG = 0x400;
/** Peer closed its writing side; reported as POLLIN (end of stream). */
export const POLLRDHUP = 0x2000;

/**
 * Translates readiness bits into the `poll()` events wanted by `mask` (POLLERR, POLLHUP and
 * POLLNVAL are reported whatever the mask, as poll(2) does).
 */
export function pollEvents(readiness: number, mask: number): number {
  if (readiness & READY_CLOSED) return POLLNVAL;
  let events = 0;
  if (readiness & READY_READ && mask & (POLLIN | POLLRDNORM)) events |= POLLIN;
  if (readiness & READY_WRITE && mask & (POLLOUT | POLLWRNORM)) events |= POLLOUT;
  if (readiness & READY_ERROR) events |= POLLERR;
  if (readiness & READY_HUP) events |= POLLHUP;
  return events;
}

/**
 * A set of sockets to poll. Python's `poll()` returns file descriptors; polyport returns the
 * registered objects themselves, since a socket may not have a descriptor yet.
 *
 * @example
 * const p = poll();
 * p.register(server, POLLIN);
 * for (const [sock, events] of await p.poll(1000)) if (events & POLLIN) …
 */
export class Poll<T extends Selectable = Selectable> {
  readonly #registered = new Map<T, { watchable: Watchable; mask: number }>();

  /**
   * Registers `fileobj` (again: changes its mask).
   * @param eventmask the events wanted (default POLLIN | POLLPRI | POLLOUT).
   */
  register(fileobj: T, eventmask = POLLIN | POLLPRI | POLLOUT): void {
    checkMask(eventmask, 'register');
    this.#registered.set(fileobj, { watchable: watchableOf(fileobj, 'register'), mask: eventmask });
  }

  /**
   * Changes the events wanted of a registered socket.
   * @throws {RangeError} when it is not registered.
   */
  modify(fileobj: T, eventmask: number): void {
    checkMask(eventmask, 'modify');
    const entry = this.#registered.get(fileobj);
    if (entry === undefined) throw new RangeError('modify(): the object is not registered');
    entry.mask = eventmask;
  }

  /**
   * Stops watching a socket.
   * @throws {RangeError} when it is not registered.
   */
  unregister(fileobj: T): void {
    if (!this.#registered.delete(fileobj))
      throw new RangeError('unregister(): the object is not registered');
  }

  /**
   * Waits for events.
   * @param timeout milliseconds; omitted, null or negative waits until something happens.
   * @returns `[object, events]` for each registered socket with events (empty on timeout).
   * @throws {TypeError} (as a rejection) for a timeout that is not a number.
   */
  async poll(timeout?: number | null): Promise<Array<[T, number]>> {
    if (
      timeout !== undefined &&
      timeout !== null &&
      (typeof timeout !== 'number' || Number.isNaN(timeout))
    ) {
      throw new TypeError(`poll(): timeout must be milliseconds or null, got ${String(timeout)}`);
    }
    const seconds =
      timeout === undefined || timeout === null || timeout < 0 ? null : timeout / 1000;
    const entries = [...this.#registered];
    const check = (): Array<[T, number]> | null => {
      const out: Array<[T, number]> = [];
      for (const [fileobj, { watchable, mask }] of entries) {
        const events = pollEvents(watchable.readiness, mask);
        if (events !== 0) out.push([fileobj, events]);
      }
      return out.length > 0 ? out : null;
    };
    return waitForReady(
      entries.map(([, e]) => e.watchable),
      check,
      seconds,
      () => [],
    );
  }
}

function checkMask(mask: number, op: string): void {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0xffff) {
    throw new RangeError(
      `${op}(): eventmask must be an integer from 0 to 65535, got ${String(mask)}`,
    );
  }
}

/** Creates a poll object, as Python's `select.poll()`. */
export function poll<T extends Selectable = Selectable>(): Poll<T> {
  return new Poll<T>();
}
