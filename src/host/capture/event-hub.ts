/**
 * The host's capture: every service's events in its own bounded ring, and the ways to read
 * them — a filtered list (the API), a live feed (`events()`, Server-Sent Events) and
 * `waitFor()`, which a test awaits instead of polling files or logs.
 */
import { CaptureRing } from './capture-ring.js';
import { type CapturedEvent, type EventFilter, matchesFilter } from './captured-event.js';

/** Options for {@link EventHub.waitFor}. */
export interface WaitForOptions {
  /** Milliseconds to wait before failing with {@link WaitTimeoutError}. Default 5,000. */
  readonly timeout?: number;
  /**
   * Only events newer than this id count; by default the events already held count too (the
   * newest match wins), so a test may send first and wait after. `host.capture.lastId` taken
   * before acting waits for a new event only.
   */
  readonly sinceId?: number;
  /** Gives up early, rejecting with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options for {@link EventHub.events}. */
export interface EventStreamOptions {
  /** Ends the iteration. */
  readonly signal?: AbortSignal;
  /**
   * Events a slow reader may fall behind by; past it the oldest unread are dropped and the
   * iterator's `dropped` count grows. Default 10,000.
   */
  readonly backlog?: number;
}

/** `waitFor()` saw no matching event in time. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/** A live feed of new events, as {@link EventHub.events} returns it. */
export interface EventStream extends AsyncIterableIterator<CapturedEvent> {
  /** Events dropped because the reader fell more than its backlog behind. */
  readonly dropped: number;
}

type Listener = (event: CapturedEvent) => void;

/**
 * Copies a protocol's fields onto an event: not `msg` and `line` (the kind and the log line say
 * them), and never over a common field (`id`, `time`, `service`, `kind`, `peer`).
 */
function copyFields(
  event: Record<string, unknown>,
  fields: Readonly<Record<string, unknown>>,
): void {
  for (const key in fields) {
    if (!Object.hasOwn(event, key) && key !== 'msg' && key !== 'line') event[key] = fields[key];
  }
}

/**
 * Captured events of every service: a ring of `capacity` per service, one id sequence for all.
 *
 * @example
 * const hub = new EventHub(1000, () => Date.now());
 * hub.record('dns', 'query', '127.0.0.1:5353', { name: 'a.test', type: 'A', rcode: 'NOERROR' });
 * await hub.waitFor((e) => e.service === 'dns' && e.name === 'a.test', { timeout: 1000 });
 */
export class EventHub {
  /** Events kept per service. */
  readonly capacity: number;
  readonly #now: () => number;
  readonly #rings = new Map<string, CaptureRing>();
  readonly #listeners = new Set<Listener>();
  #lastId = 0;

  /**
   * @param capacity events kept per service; 0 keeps none (live readers still see each one).
   * @param now the time source (a `Clock`'s `now`).
   */
  constructor(capacity: number, now: () => number) {
    this.capacity = capacity;
    this.#now = now;
  }

  /** The id of the newest event recorded (0 before the first). */
  get lastId(): number {
    return this.#lastId;
  }

  /** How many live readers are subscribed (`subscribe()`, `events()`, `waitFor()`) now. */
  get listeners(): number {
    return this.#listeners.size;
  }

  /** Whether anyone would see an event: a ring keeps it or a live reader waits. */
  get active(): boolean {
    return this.capacity > 0 || this.#listeners.size > 0;
  }

  /**
   * Records one event.
   * @param service the service's name.
   * @param kind what happened (`open`, `request`, `query`, …).
   * @param peer the client (`peerText()`), `''` if unknown.
   * @param fields the protocol's fields; `msg`, `line` and `peer` are not copied (the kind and
   *   the common `peer` say them; `line` is the access log's text of the same fields), nor is a
   *   field named as a common one (`id`, `time`, `service`, `kind`), which would break the id
   *   sequence that `sinceId` and the newest-first order stand on.
   * @param detail more fields only the capture keeps (an HTTP request's headers and body
   *   sample), copied the same way.
   * @returns the event, or undefined when nobody would see it.
   */
  record(
    service: string,
    kind: string,
    peer: string,
    fields?: Readonly<Record<string, unknown>>,
    detail?: Readonly<Record<string, unknown>>,
  ): CapturedEvent | undefined {
    if (!this.active) return undefined;
    return this.#add(service, kind, peer, this.#now(), fields, detail);
  }

  /**
   * Records an event captured elsewhere (by a worker of `serve --workers`), keeping its time:
   * it gets this hub's next id, so ids still grow by one across every worker's events.
   * @param event the event as the other hub recorded it.
   * @param extra fields to add (`{ worker: 2 }`).
   * @returns the event as held here, or undefined when nobody would see it.
   * @example hub.adopt(eventFromWorker, { worker: 2 });
   */
  adopt(
    event: CapturedEvent,
    extra?: Readonly<Record<string, unknown>>,
  ): CapturedEvent | undefined {
    if (!this.active) return undefined;
    const { service, kind, peer, time } = event;
    return this.#add(service, kind, peer, time, event, extra);
  }

  #add(
    service: string,
    kind: string,
    peer: string,
    time: number,
    fields?: Readonly<Record<string, unknown>>,
    detail?: Readonly<Record<string, unknown>>,
  ): CapturedEvent {
    const event: Record<string, unknown> = { id: ++this.#lastId, time, service, kind, peer };
    if (fields !== undefined) copyFields(event, fields);
    if (detail !== undefined) copyFields(event, detail);
    const captured = event as unknown as CapturedEvent;
    if (this.capacity > 0) {
      let ring = this.#rings.get(service);
      if (ring === undefined) {
        ring = new CaptureRing(this.capacity);
        this.#rings.set(service, ring);
      }
      ring.push(captured);
    }
    for (const listener of this.#listeners) listener(captured);
    return captured;
  }

  /**
   * The events held that pass a filter, newest first.
   * @param filter the conditions (none: every event).
   * @param limit at most this many.
   * @example hub.list({ service: 'http', q: '/index.html' }, 50);
   */
  list(filter: EventFilter = {}, limit = Number.POSITIVE_INFINITY): CapturedEvent[] {
    const rings =
      filter.service === undefined
        ? [...this.#rings.values()]
        : [this.#rings.get(filter.service)].filter((r) => r !== undefined);
    const found: CapturedEvent[] = [];
    for (const ring of rings) {
      for (const event of ring.newestFirst()) {
        if (matchesFilter(event, filter)) found.push(event);
      }
    }
    found.sort((a, b) => b.id - a.id);
    return found.length > limit ? found.slice(0, limit) : found;
  }

  /**
   * Forgets the held events that pass a filter (all of them without one).
   * @param filter which go.
   * @returns how many went.
   */
  clear(filter: EventFilter = {}): number {
    let removed = 0;
    for (const [service, ring] of this.#rings) {
      if (filter.service !== undefined && service !== filter.service) continue;
      const before = ring.size;
      ring.clear((event) => matchesFilter(event, filter));
      removed += before - ring.size;
    }
    return removed;
  }

  /**
   * Calls `listener` with every new event until the returned function is called.
   * @param listener called synchronously as each event is recorded; it must not throw.
   * @returns the unsubscribe function.
   */
  subscribe(listener: (event: CapturedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A live feed of the events recorded from now on, for `for await`. Breaking out of the loop
   * (or the signal) ends it.
   * @example
   * for await (const event of host.events()) if (event.kind === 'message') break;
   */
  events(options: EventStreamOptions = {}): EventStream {
    const backlog = options.backlog ?? 10_000;
    const queue: CapturedEvent[] = [];
    let head = 0;
    let dropped = 0;
    let wake: (() => void) | null = null;
    let ended = false;
    const end = (): void => {
      ended = true;
      unsubscribe();
      options.signal?.removeEventListener('abort', end);
      wake?.();
    };
    const unsubscribe = this.subscribe((event) => {
      queue.push(event);
      if (queue.length - head > backlog) {
        head++;
        dropped++;
      }
      wake?.();
    });
    if (options.signal?.aborted) end();
    else options.signal?.addEventListener('abort', end, { once: true });
    const done = (): IteratorResult<CapturedEvent> => ({ done: true, value: undefined });
    const stream: EventStream = {
      get dropped() {
        return dropped;
      },
      async next() {
        while (head === queue.length && !ended) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
        if (head === queue.length) return done();
        const value = queue[head++]!;
        if (head > 1024 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        return { done: false, value };
      },
      async return() {
        end();
        return done();
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  /**
   * The newest event that matches, held already or to come: a test sends, then awaits this
   * instead of polling.
   * @param predicate what the event must be.
   * @param options time limit, `sinceId`, abort signal.
   * @returns the event.
   * @throws {WaitTimeoutError} when none matched in time.
   * @example
   * const mail = await host.waitFor((e) => e.kind === 'message' && e.subject === 'hi');
   */
  waitFor(
    predicate: (event: CapturedEvent) => boolean,
    options: WaitForOptions = {},
  ): Promise<CapturedEvent> {
    const timeout = options.timeout ?? 5_000;
    const since = options.sinceId ?? 0;
    const held = this.list({ sinceId: since }).find(predicate);
    if (held !== undefined) return Promise.resolve(held);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = (): void => finish(() => reject(signal?.reason));
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new WaitTimeoutError(`no captured event matched within ${timeout} ms`)),
          ),
        timeout,
      );
      const unsubscribe = this.subscribe((event) => {
        let matched = false;
        try {
          matched = event.id > since && predicate(event);
        } catch (err) {
          finish(() => reject(err));
          return;
        }
        if (matched) finish(() => resolve(event));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
