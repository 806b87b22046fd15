/**
 * The selector interface of Python's `selectors` module: register sockets with the events
 * wanted and some data, then `select()` the ones that are ready.
 */
import {
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  type Watchable,
} from '../socket/index.js';
import { badFile, filenoOf, type Selectable, watchableOf } from './selectable.js';

/** Wants or reports readability. */
export const EVENT_READ = 1;
/** Wants or reports writability. */
export const EVENT_WRITE = 2;

/** What a selector keeps for a registered object, as Python's `SelectorKey`. */
export interface SelectorKey<D = unknown> {
  /** The registered object. */
  readonly fileobj: Selectable;
  /** Its file descriptor, or -1 when it has none yet. */
  readonly fd: number;
  /** The events wanted: `EVENT_READ | EVENT_WRITE`. */
  readonly events: number;
  /** The data given at registration. */
  readonly data: D;
}

/**
 * The events of `mask` that `readiness` shows, for a selector: a closed socket shows none (as
 * epoll drops a closed descriptor); an error or hang-up shows as readable and writable, so the
 * owner's next call reports it.
 * @param readiness the socket's `READY_*` bits.
 * @param mask the events wanted.
 * @returns `EVENT_READ | EVENT_WRITE` bits, within `mask`.
 * @example selectorEvents(READY_READ | READY_WRITE, EVENT_READ); // EVENT_READ
 */
export function selectorEvents(readiness: number, mask: number): number {
  if (readiness & READY_CLOSED) return 0;
  let events = 0;
  if (mask & EVENT_READ && readiness & (READY_READ | READY_ERROR | READY_HUP)) events |= EVENT_READ;
  // A hang-up is writable too (a send fails at once), as Python's epoll and poll selectors say.
  if (mask & EVENT_WRITE && readiness & (READY_WRITE | READY_ERROR | READY_HUP))
    events |= EVENT_WRITE;
  return events;
}

/**
 * The bookkeeping every selector shares; subclasses implement `select()`.
 * One contract test suite runs against every subclass.
 */
export abstract class BaseSelector<D = unknown> {
  protected readonly keys = new Map<Selectable, SelectorKey<D>>();
  protected readonly watchables = new Map<Selectable, Watchable>();
  #closed = false;

  /**
   * Registers `fileobj` for `events`.
   * @returns its key.
   * @throws {RangeError} for events other than EVENT_READ | EVENT_WRITE, or when already registered.
   * @throws {TypeError} when `fileobj` is not a socket or does not expose one.
   * @throws {SocketError} `EBADF` when the socket is closed (Python refuses its fd of -1).
   */
  register(fileobj: Selectable, events: number, data?: D): SelectorKey<D> {
    this.checkOpen();
    checkEvents(events, 'register');
    if (this.keys.has(fileobj))
      throw new RangeError('register(): the object is already registered');
    const watchable = watchableOf(fileobj, 'register');
    if (watchable.readiness & READY_CLOSED) throw badFile('register');
    const key: SelectorKey<D> = { fileobj, fd: filenoOf(watchable), events, data: data as D };
    this.keys.set(fileobj, key);
    this.watchables.set(fileobj, watchable);
    this.registered(key, watchable);
    return key;
  }

  /**
   * Stops watching `fileobj`.
   * @returns its key.
   * @throws {RangeError} when it is not registered.
   */
  unregister(fileobj: Selectable): SelectorKey<D> {
    this.checkOpen();
    const key = this.getKey(fileobj);
    this.keys.delete(fileobj);
    this.watchables.delete(fileobj);
    this.unregistered(key);
    return key;
  }

  /**
   * Changes the events wanted and the data (left out: undefined, as Python sets None).
   * @returns the new key.
   * @throws {RangeError} for bad events, an object not registered, or a closed selector.
   */
  modify(fileobj: Selectable, events: number, data?: D): SelectorKey<D> {
    this.checkOpen();
    checkEvents(events, 'modify');
    const old = this.getKey(fileobj);
    const key: SelectorKey<D> = {
      ...old,
      events,
      data: data as D,
    };
    this.keys.set(fileobj, key);
    this.unregistered(old);
    this.registered(key, this.watchables.get(fileobj) as Watchable);
    return key;
  }

  /**
   * Waits until some registered objects are ready.
   * @param timeout seconds; `0` or less polls; `null` or omitted waits.
   * @returns `[key, events]` for each ready object.
   */
  abstract select(timeout?: number | null): Promise<Array<[SelectorKey<D>, number]>>;

  /**
   * The key of a registered object.
   * @throws {RangeError} when it is not registered.
   */
  getKey(fileobj: Selectable): SelectorKey<D> {
    const key = this.keys.get(fileobj);
    if (key === undefined) throw new RangeError('the object is not registered');
    return key;
  }

  /** The registered objects and their keys. */
  getMap(): ReadonlyMap<Selectable, SelectorKey<D>> {
    return this.keys;
  }

  /** Unregisters everything; the selector cannot be used afterwards. */
  close(): void {
    for (const key of this.keys.values()) this.unregistered(key);
    this.keys.clear();
    this.watchables.clear();
    this.#closed = true;
  }

  /** Closes the selector (`using sel = new DefaultSelector()`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** A hook for subclasses that keep their own registry. */
  protected registered(_key: SelectorKey<D>, _watchable: Watchable): void {}
  /** A hook for subclasses that keep their own registry. */
  protected unregistered(_key: SelectorKey<D>): void {}

  /** @throws {RangeError} once the selector is closed (Python's `RuntimeError`). */
  protected checkOpen(): void {
    if (this.#closed) throw new RangeError('the selector is closed');
  }
}

function checkEvents(events: number, op: string): void {
  if (!Number.isInteger(events) || events <= 0 || events & ~(EVENT_READ | EVENT_WRITE)) {
    throw new RangeError(
      `${op}(): invalid events: ${String(events)} (use EVENT_READ | EVENT_WRITE)`,
    );
  }
}
