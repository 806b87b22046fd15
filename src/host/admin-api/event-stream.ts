/**
 * `GET /api/v1/events/stream`: captured events as Server-Sent Events, for a browser's
 * `EventSource` or `curl -N`. The response never ends on its own: it lasts until the client
 * goes (or the host stops), and the subscription to the capture ends with it.
 */
import type { HttpRequest, HttpResponse } from '../../protocols/http/index.js';
import type { Clock, ClockTimer } from '../../server/clock.js';
import { type CapturedEvent, type EventFilter, matchesFilter } from '../capture/captured-event.js';
import type { EventHub, EventStream } from '../capture/event-hub.js';
import type { StartContext } from '../starters/start-context.js';
import { ApiError } from './api-error.js';

/** Seconds between keep-alive comments while no event comes (proxies drop silent streams). */
export const KEEP_ALIVE_SECONDS = 15;

/** Events a slow client may fall behind by before the oldest unread are dropped. */
const BACKLOG = 10_000;

const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * One event as an SSE message: its id (what `Last-Event-ID` sends back on a reconnect) and its
 * JSON on one `data:` line (JSON text never holds a raw line break).
 * @param event the event.
 * @returns the message, blank line included.
 * @example sseMessage(event); // 'id: 7\ndata: {"id":7,…}\n\n'
 */
export function sseMessage(event: CapturedEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Options for {@link SseFeed}. */
export interface SseFeedOptions {
  /** Which events go out (`since` picks the held events sent first). */
  readonly filter: EventFilter;
  /** Milliseconds between keep-alive comments. */
  readonly keepAlive: number;
  readonly clock: Clock;
}

/**
 * The stream's text, message by message: an opening comment, the held events the filter's
 * `sinceId`/`sinceTime` asks for (oldest first), then each new matching event as it is
 * recorded, with `: keep-alive` comments in the silences. It subscribes to the capture when
 * made; `return()` (the HTTP server closing the body's producer when the connection goes)
 * unsubscribes at once, even while a `next()` waits.
 *
 * @example
 * const feed = new SseFeed(host.capture, { filter: { service: 'dns' }, keepAlive: 15_000, clock });
 * await response.stream(feed);
 */
export class SseFeed implements AsyncIterableIterator<string> {
  readonly #filter: EventFilter;
  readonly #keepAlive: number;
  readonly #clock: Clock;
  readonly #live: EventStream;
  /** Held events still to send, oldest first. */
  readonly #held: CapturedEvent[];
  #opened = false;
  /** The id of the newest event sent: a live event at or below it was sent as held. */
  #lastSent = 0;
  #dropped = 0;
  /** A live `next()` still waiting when a keep-alive went out instead. */
  #pending: Promise<IteratorResult<CapturedEvent>> | null = null;
  #timer: ClockTimer | null = null;
  #wake: (() => void) | null = null;
  #ended = false;

  /**
   * @param capture the host's capture.
   * @param options the filter, the keep-alive period and the clock.
   */
  constructor(capture: EventHub, options: SseFeedOptions) {
    this.#filter = options.filter;
    this.#keepAlive = options.keepAlive;
    this.#clock = options.clock;
    // Subscribed before the held events are read, in the same turn: none falls in between.
    this.#live = capture.events({ backlog: BACKLOG });
    const { sinceId, sinceTime } = options.filter;
    this.#held =
      sinceId === undefined && sinceTime === undefined
        ? []
        : capture.list(options.filter).reverse();
  }

  async next(): Promise<IteratorResult<string>> {
    if (this.#ended) return { done: true, value: undefined };
    if (!this.#opened) {
      this.#opened = true;
      return { done: false, value: ': polyport capture events\n\n' };
    }
    const held = this.#held.shift();
    if (held !== undefined) return this.#send(held);
    for (;;) {
      if (this.#live.dropped > this.#dropped) {
        const count = this.#live.dropped - this.#dropped;
        this.#dropped = this.#live.dropped;
        return { done: false, value: `: ${count} events dropped: the client read too slowly\n\n` };
      }
      this.#pending ??= this.#live.next();
      const step = await Promise.race([this.#pending, this.#silence()]);
      this.#timer?.cancel();
      this.#timer = null;
      if (this.#ended) return { done: true, value: undefined };
      if (step === null) return { done: false, value: KEEP_ALIVE };
      this.#pending = null;
      if (step.done === true) return this.#end();
      const event = step.value;
      if (event.id > this.#lastSent && matchesFilter(event, this.#filter)) return this.#send(event);
    }
  }

  async return(): Promise<IteratorResult<string>> {
    return this.#end();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #send(event: CapturedEvent): IteratorResult<string> {
    this.#lastSent = event.id;
    return { done: false, value: sseMessage(event) };
  }

  /** Resolves with null after the keep-alive period (or at once when the feed ends). */
  #silence(): Promise<null> {
    return new Promise((resolve) => {
      this.#wake = () => resolve(null);
      this.#timer = this.#clock.setTimer(this.#keepAlive, () => resolve(null));
    });
  }

  #end(): IteratorResult<string> {
    this.#ended = true;
    this.#timer?.cancel();
    this.#timer = null;
    void this.#live.return?.();
    this.#wake?.();
    this.#wake = null;
    return { done: true, value: undefined };
  }
}

/**
 * Answers a stream request: `text/event-stream`, never cached, starting after `Last-Event-ID`
 * (a reconnecting `EventSource`) or `since` when given.
 *
 * The admin listener's idle timeout must not cut a stream that is merely quiet: each
 * keep-alive is output, which counts as activity, and it comes at least twice per idle timeout
 * (every {@link KEEP_ALIVE_SECONDS} s, sooner when `admin.limits.idleTimeout` is shorter). The
 * read timeout does not apply (the request is complete); the write timeout does: a client that
 * stops reading is cut off as on any other response.
 *
 * @param context the start context (capture, clock, the admin limits).
 * @param request the request (its `Last-Event-ID`).
 * @param response the response, streamed until the client goes.
 * @param filter the query's filter.
 * @returns a promise that settles when the stream ends.
 * @throws {ApiError} 400 for a `Last-Event-ID` that is not an event id.
 */
export function eventStream(
  context: StartContext,
  request: HttpRequest,
  response: HttpResponse,
  filter: EventFilter,
): Promise<void> {
  const lastEventId = request.headers.get('last-event-id');
  let from = filter;
  if (lastEventId !== undefined) {
    if (!/^\d{1,15}$/.test(lastEventId.trim())) {
      throw new ApiError(400, `Last-Event-ID must be an event id, got "${lastEventId}"`);
    }
    // A reconnect resumes where it stopped, whatever `since` the first request had.
    const { sinceTime: _time, ...rest } = filter;
    from = { ...rest, sinceId: Number(lastEventId.trim()) };
  }
  const idle = context.config.admin.limits.idleTimeout;
  const keepAlive = Math.min(KEEP_ALIVE_SECONDS, idle > 0 ? idle / 2 : KEEP_ALIVE_SECONDS) * 1000;
  const feed = new SseFeed(context.capture, { filter: from, keepAlive, clock: context.clock });
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  // A buffering proxy in front (nginx) would hold the events back.
  response.setHeader('X-Accel-Buffering', 'no');
  // The client's going (its FIN) ends the stream at once, and the feed's subscription with it.
  return response.untilClientCloses().stream(feed);
}
