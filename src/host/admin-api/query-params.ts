/**
 * The admin API's query strings: each route names the parameters it takes, anything else (or
 * a parameter given twice, or a value out of range) is a 400 that says which, so a typo in a
 * filter is an error instead of a silently unfiltered answer.
 */
import type { EventFilter } from '../capture/captured-event.js';
import { ApiError } from './api-error.js';

/** The filter parameters of the event routes, as `EventFilter` takes them. */
export const EVENT_FILTER_PARAMS = ['service', 'kind', 'peer', 'since', 'q'] as const;

/** `limit` when none is given, and the most it may be. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

/** An ISO-8601 date or date-time: `2026-12-06`, `2026-12-06T16:05:00Z`, with an offset or not. */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A request's query, checked against the parameters its route takes.
 *
 * @example
 * const query = new QueryParams(request.query, [...EVENT_FILTER_PARAMS, 'limit']);
 * hub.list(query.eventFilter(), query.limit());
 */
export class QueryParams {
  readonly #values = new Map<string, string>();

  /**
   * @param query the raw query (`request.query`: percent-encoded, `+` for a space).
   * @param allowed the names the route takes.
   * @throws {ApiError} 400 for a name not allowed or given twice.
   */
  constructor(query: string, allowed: readonly string[]) {
    for (const [name, value] of new URLSearchParams(query)) {
      if (!allowed.includes(name)) {
        const takes = allowed.length === 0 ? 'none' : allowed.join(', ');
        throw new ApiError(400, `unknown query parameter "${name}" (this path takes: ${takes})`);
      }
      if (this.#values.has(name)) throw new ApiError(400, `query parameter "${name}" given twice`);
      this.#values.set(name, value);
    }
  }

  /**
   * A text parameter.
   * @param name its name.
   * @returns its value, or undefined when absent.
   * @throws {ApiError} 400 when it is given empty.
   */
  text(name: string): string | undefined {
    const value = this.#values.get(name);
    if (value === '') throw new ApiError(400, `query parameter "${name}" is empty`);
    return value;
  }

  /**
   * `limit`: how many items at most, {@link DEFAULT_LIMIT} when absent.
   * @throws {ApiError} 400 unless it is a whole number from 1 to {@link MAX_LIMIT}.
   */
  limit(): number {
    const text = this.#values.get('limit');
    if (text === undefined) return DEFAULT_LIMIT;
    const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= 1 && value <= MAX_LIMIT)) {
      throw new ApiError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}, got "${text}"`);
    }
    return value;
  }

  /**
   * The event filter of `service`, `kind`, `peer`, `since` and `q`.
   * @returns the filter (`since` an event id becomes `sinceId`; an ISO-8601 time `sinceTime`).
   * @throws {ApiError} 400 for an empty value or a `since` that is neither.
   */
  eventFilter(): EventFilter {
    const service = this.text('service');
    const kind = this.text('kind');
    const peer = this.text('peer');
    const q = this.text('q');
    return {
      ...(service !== undefined ? { service } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(peer !== undefined ? { peer } : {}),
      ...(q !== undefined ? { q } : {}),
      ...this.#since(),
    };
  }

  #since(): EventFilter {
    const text = this.text('since');
    if (text === undefined) return {};
    if (/^\d{1,15}$/.test(text)) return { sinceId: Number(text) };
    const time = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(time)) {
      throw new ApiError(
        400,
        `since must be an event id or an ISO-8601 time (2026-12-06T16:05:00Z), got "${text}"`,
      );
    }
    return { sinceTime: time };
  }
}

/**
 * Checks that a path that takes no parameters was given none.
 * @param query the raw query.
 * @throws {ApiError} 400 for any parameter.
 * @example refuseQuery(request.query);
 */
export function refuseQuery(query: string): void {
  new QueryParams(query, []);
}
