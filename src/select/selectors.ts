/**
 * The selector implementations: one watching readiness directly (the default), and one each on
 * top of `poll()` and `select()`, as Python offers `EpollSelector`, `PollSelector` and
 * `SelectSelector`. They behave the same; the contract test runs against each.
 */
import { READY_CLOSED } from '../socket/index.js';
import {
  BaseSelector,
  EVENT_READ,
  EVENT_WRITE,
  type SelectorKey,
  selectorEvents,
} from './base-selector.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, Poll } from './poll.js';
import { select } from './select.js';
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
  select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>> {
    const seconds = checkSeconds(timeout, 'select');
    const entries = [...this.keys.values()].map(
      (key) => [key, this.watchables.get(key.fileobj)!] as const,
    );
    const check = (): Array<[SelectorKey<D>, number]> | null => {
      const ready: Array<[SelectorKey<D>, number]> = [];
      for (const [key, watchable] of entries) {
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
  readonly #poll = new Poll();

  protected override registered(key: SelectorKey<D>): void {
    this.#poll.register(
      key.fileobj,
      (key.events & EVENT_READ ? POLLIN : 0) | (key.events & EVENT_WRITE ? POLLOUT : 0),
    );
  }

  protected override unregistered(key: SelectorKey<D>): void {
    this.#poll.unregister(key.fileobj);
  }

  async select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>> {
    const seconds = checkSeconds(timeout, 'select');
    const ms = seconds === null ? null : Math.max(0, seconds * 1000);
    const out: Array<[SelectorKey<D>, number]> = [];
    for (const [fileobj, events] of await this.#poll.poll(ms)) {
      const key = this.keys.get(fileobj);
      if (key === undefined) continue;
      let ready = 0;
      if (events & (POLLIN | POLLERR | POLLHUP)) ready |= EVENT_READ;
      if (events & (POLLOUT | POLLERR)) ready |= EVENT_WRITE;
      ready &= key.events;
      if (ready !== 0) out.push([key, ready]);
    }
    return out;
  }
}

/** A selector on top of {@link select}, as Python's `SelectSelector`. */
export class SelectSelector<D = unknown> extends BaseSelector<D> {
  async select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>> {
    const seconds = checkSeconds(timeout, 'select');
    // select() refuses closed sockets (EBADF); a selector leaves them out, as epoll does.
    const keys = [...this.keys.values()].filter(
      (key) => (this.watchables.get(key.fileobj)!.readiness & READY_CLOSED) === 0,
    );
    const readers = keys.filter((k) => k.events & EVENT_READ).map((k) => k.fileobj);
    const writers = keys.filter((k) => k.events & EVENT_WRITE).map((k) => k.fileobj);
    const [r, w, x] = await select(readers, writers, readers, seconds);
    const ready = new Map<SelectorKey<D>, number>();
    for (const f of [...r, ...x]) ready.set(this.keys.get(f)!, EVENT_READ);
    for (const f of w) {
      const key = this.keys.get(f)!;
      ready.set(key, (ready.get(key) ?? 0) | EVENT_WRITE);
    }
    return [...ready];
  }
}
