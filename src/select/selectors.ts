/**
 * The selector implementations: one watching readiness directly (the default), and one each on
 * top of `poll()` and `select()`, as Python offers `EpollSelector`, `PollSelector` and
 * `SelectSelector`. They behave the same; the contract test runs against each.
 */
import { READY_CLOSED, SocketError, type Watchable } from '../socket/index.js';
import {
  BaseSelector,
  EVENT_READ,
  EVENT_WRITE,
  type SelectorKey,
  selectorEvents,
} from './base-selector.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, Poll } from './poll.js';
import { select } from './select.js';
import type { Selectable } from './selectable.js';
import { checkSeconds, waitForReady } from './wait.js';

/**
 * The default selector: waits on the sockets' readiness listeners, so an idle selector costs
 * nothing and a ready socket is reported at once.
 * @example
 * const sel = new DefaultSelector();
 * sel.register(server, EVENT_READ, 'accept');
 * for (const [key, events] of await sel.select()) …
 */
export class DefaultSelector<D = unknown> extends BaseSelector<D> {
  /**
   * Waits until some registered objects are ready. Closed sockets are left out (as epoll drops
   * a closed descriptor); an object unregistered or modified while waiting is reported with its
   * current key, or not at all.
   * @param timeout seconds; `0` or less polls; `null` or omitted waits.
   * @returns `[key, events]` for each ready object; empty on timeout.
   * @throws {RangeError} when the selector is closed; {TypeError} for a bad timeout.
   */
  async select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>> {
    this.checkOpen();
    const seconds = checkSeconds(timeout, 'select');
    const entries = [...this.watchables];
    const check = (): Array<[SelectorKey<D>, number]> | null => {
      const ready: Array<[SelectorKey<D>, number]> = [];
      for (const [fileobj, watchable] of entries) {
        const key = this.keys.get(fileobj);
        if (key === undefined || this.watchables.get(fileobj) !== watchable) continue;
        const events = selectorEvents(watchable.readiness, key.events);
        if (events !== 0) ready.push([key, events]);
      }
      return ready.length > 0 ? ready : null;
    };
    return waitForReady(
      entries.map(([, w]) => w),
      check,
      seconds,
      () => [],
    );
  }
}

/** A selector on top of {@link Poll}, as Python's `PollSelector`. */
export class PollSelector<D = unknown> extends BaseSelector<D> {
  /** See {@link DefaultSelector.select}. */
  async select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>> {
    this.checkOpen();
    const deadline = deadlineOf(checkSeconds(timeout, 'select'));
    for (;;) {
      // A fresh poll set each time: closed sockets are left out, as epoll drops them, instead
      // of waking every poll with POLLNVAL.
      const set = new Poll<Selectable>();
      for (const key of this.#openKeys()) {
        set.register(
          key.fileobj,
          (key.events & EVENT_READ ? POLLIN : 0) | (key.events & EVENT_WRITE ? POLLOUT : 0),
        );
      }
      const left = remaining(deadline);
      const polled = await set.poll(left === null ? null : left * 1000);
      const out: Array<[SelectorKey<D>, number]> = [];
      for (const [fileobj, events] of polled) {
        const key = this.keys.get(fileobj);
        if (key === undefined) continue;
        let ready = 0;
        if (events & (POLLIN | POLLERR | POLLHUP)) ready |= EVENT_READ;
        if (events & (POLLOUT | POLLERR | POLLHUP)) ready |= EVENT_WRITE;
        ready &= key.events;
        if (ready !== 0) out.push([key, ready]);
      }
      // Woken only by sockets closed or unregistered meanwhile: wait again without them.
      if (out.length > 0 || polled.length === 0 || left === 0) return out;
    }
  }

  *#openKeys(): Iterable<SelectorKey<D>> {
    for (const key of this.keys.values()) {
      if (((this.watchables.get(key.fileobj) as Watchable).readiness & READY_CLOSED) === 0)
        yield key;
    }
  }
}

/** A selector on top of {@link select}, as Python's `SelectSelector`. */
export class SelectSelector<D = unknown> extends BaseSelector<D> {
  /** See {@link DefaultSelector.select}. */
  async select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>> {
    this.checkOpen();
    const deadline = deadlineOf(checkSeconds(timeout, 'select'));
    for (;;) {
      // select() refuses closed sockets (EBADF); a selector leaves them out, as epoll does.
      const keys = [...this.keys.values()].filter(
        (key) => ((this.watchables.get(key.fileobj) as Watchable).readiness & READY_CLOSED) === 0,
      );
      const readers = keys.filter((k) => k.events & EVENT_READ).map((k) => k.fileobj);
      const writers = keys.filter((k) => k.events & EVENT_WRITE).map((k) => k.fileobj);
      const left = remaining(deadline);
      let result: [Selectable[], Selectable[], Selectable[]];
      try {
        result = await select(readers, writers, readers, left);
      } catch (err) {
        // A socket closed while we waited: look again without it.
        if (err instanceof SocketError && err.code === 'EBADF') continue;
        throw err;
      }
      const [r, w, x] = result;
      const ready = new Map<SelectorKey<D>, number>();
      const add = (fileobj: Selectable, event: number): void => {
        const key = this.keys.get(fileobj);
        if (key !== undefined && key.events & event) ready.set(key, (ready.get(key) ?? 0) | event);
      };
      for (const f of r) add(f, EVENT_READ);
      for (const f of x) add(f, EVENT_READ);
      for (const f of w) add(f, EVENT_WRITE);
      const woke = r.length + w.length + x.length > 0;
      if (ready.size > 0 || !woke || left === 0) return [...ready];
    }
  }
}

function deadlineOf(seconds: number | null): number | null {
  return seconds === null ? null : performance.now() + seconds * 1000;
}

/** Seconds left until `deadline` (never negative), or null for no deadline. */
function remaining(deadline: number | null): number | null {
  return deadline === null ? null : Math.max(0, (deadline - performance.now()) / 1000);
}
