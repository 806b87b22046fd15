/**
 * What the host captures of each service's traffic: one event per session opened or closed, per
 * request answered (an HTTP exchange, a DNS query, a mail accepted, an FTP transfer, …) and per
 * error, with the protocol's own fields; and how a list of them is filtered.
 */
import { samePeer } from '../../server/server-observer.js';

/**
 * One captured event. `kind` says what happened: `open`, `close`, `refused` and `error` for
 * every service; for requests, the protocol's own word (`request` for HTTP, `query` for DNS and
 * finger, `message` for SMTP, `login`/`quit` for POP3, `transfer` for FTP, `datagram` for the
 * small UDP services). The protocol's fields sit beside the common ones: for HTTP `method`,
 * `path`, `status`, `bytes`, `duration`; for DNS `name`, `type`, `rcode`, `transport`; for SMTP
 * `queueId`, `from`, `to`, `subject`, `size`, `stored` (each copy's `{ user, path }`); for FTP
 * `command`, `path`, `bytes`, `status`.
 *
 * @example
 * // { id: 7, time: 1765000000000, service: 'dns', kind: 'query', peer: '127.0.0.1:53124',
 * //   name: 'www.example.test', type: 'A', rcode: 'NOERROR', transport: 'udp', … }
 */
export interface CapturedEvent {
  /** Increases by one per event across the whole host, from 1: a cursor for `sinceId`. */
  readonly id: number;
  /** When it happened, in milliseconds since the epoch. */
  readonly time: number;
  /** The service's name (`http`, `dns`, `smtp`, …). */
  readonly service: string;
  /** What happened (see above). */
  readonly kind: string;
  /** The client, as `peerText()` formats it (`127.0.0.1:5000`, `[::1]:5000`); `''` if unknown. */
  readonly peer: string;
  /** The protocol's own fields. */
  readonly [field: string]: unknown;
}

/** Which events a list keeps; every field is optional and they all must hold. */
export interface EventFilter {
  /** Only the event with this id (one message of the API, say). */
  readonly id?: number;
  /** Only this service's events. */
  readonly service?: string;
  /** Only this kind. */
  readonly kind?: string;
  /** Only events whose peer is this address, with or without its port (`127.0.0.1`, `[::1]:5000`). */
  readonly peer?: string;
  /** Only events newer than this id. */
  readonly sinceId?: number;
  /** Only events at or after this time (milliseconds since the epoch). */
  readonly sinceTime?: number;
  /** Only events where some field's text contains this, ignoring case. */
  readonly q?: string;
}

/** Whether any field's text contains `needle` (already lower case), nested lists included. */
function contains(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value) === needle;
  if (Array.isArray(value)) return value.some((item) => contains(item, needle));
  // Objects kept as they are (an HTTP request's headers) are searched as their JSON shows them.
  const toJSON = (value as { toJSON?: () => unknown } | null)?.toJSON;
  if (typeof toJSON === 'function') return contains(toJSON.call(value), needle);
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((item) => contains(item, needle));
  }
  return false;
}

/**
 * Whether an event passes a filter.
 * @param event the event.
 * @param filter what must hold (an empty filter passes everything).
 * @returns true when every condition of the filter holds.
 * @example matchesFilter(event, { service: 'dns', q: 'example.test' });
 */
export function matchesFilter(event: CapturedEvent, filter: EventFilter): boolean {
  if (filter.id !== undefined && event.id !== filter.id) return false;
  if (filter.service !== undefined && event.service !== filter.service) return false;
  if (filter.kind !== undefined && event.kind !== filter.kind) return false;
  if (filter.sinceId !== undefined && event.id <= filter.sinceId) return false;
  if (filter.sinceTime !== undefined && event.time < filter.sinceTime) return false;
  if (filter.peer !== undefined && !samePeer(event.peer, filter.peer)) return false;
  if (filter.q !== undefined && filter.q !== '') return contains(event, filter.q.toLowerCase());
  return true;
}
