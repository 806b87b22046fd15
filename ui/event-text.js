/**
 * What an event says, in one line for people, and whether it matches a search: the timeline,
 * the logs and the services' recent errors all describe events the same way.
 */
import { formatBytes, formatDuration } from './format.js';

/** The fields every event has: the rest are the protocol's own. */
const COMMON = new Set(['id', 'time', 'service', 'kind', 'peer']);

const list = (value) => (Array.isArray(value) ? value.join(', ') : String(value ?? ''));

/** The protocol's own fields as `key=value` words, for kinds without a summary of their own. */
function fieldsText(event) {
  return Object.entries(event)
    .filter(([key, value]) => !COMMON.has(key) && value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(' ');
}

/**
 * One line that says what happened.
 * @param {Record<string, any>} event a captured event.
 * @returns {string} `GET /index.html → 200 · 1.2 KiB · 3 ms`, `www.example.test A → NOERROR (udp)`.
 * @example describeEvent({ kind: 'query', name: 'a.test', type: 'A', rcode: 'NOERROR', transport: 'udp' });
 */
export function describeEvent(event) {
  const e = event;
  switch (e.kind) {
    case 'open':
      return 'connection opened';
    case 'close': {
      const parts = ['connection closed'];
      if (e.bytesIn !== undefined) parts.push(`in ${formatBytes(e.bytesIn)}`);
      if (e.bytesOut !== undefined) parts.push(`out ${formatBytes(e.bytesOut)}`);
      if (e.duration !== undefined) parts.push(formatDuration(e.duration));
      return parts.join(' · ');
    }
    case 'refused':
      return `refused${e.reason ? `: ${e.reason}` : ''}`;
    case 'error':
      return `${e.uncaught ? 'uncaught ' : ''}error: ${e.error ?? fieldsText(e)}`;
    case 'request':
      if (e.method === undefined) return `unparsable request → ${e.status}`;
      return `${e.method} ${e.path} → ${e.status} · ${formatBytes(e.bytes)} · ${formatDuration(e.duration)}`;
    case 'query':
      if (e.name !== undefined) {
        return `${e.name} ${e.type} → ${e.rcode}${e.transport ? ` (${e.transport})` : ''}`;
      }
      return `query "${e.query ?? ''}"${e.bytes !== undefined ? ` · ${formatBytes(e.bytes)}` : ''}`;
    case 'message': {
      const subject = e.subject ? ` · "${e.subject}"` : '';
      return `${e.from || '<>'} → ${list(e.to)}${subject} · ${formatBytes(e.size)}`;
    }
    case 'transfer':
      return `${e.command} ${e.path} → ${e.status} · ${formatBytes(e.bytes)}`;
    case 'login':
      return `login ${e.user}${e.messages !== undefined ? ` · ${e.messages} messages` : ''}`;
    case 'quit':
      return `quit${e.user ? ` ${e.user}` : ''}${fieldsText(e) ? ` · ${fieldsText(e)}` : ''}`;
    default:
      return fieldsText(e);
  }
}

/**
 * How an event looks: `ok`, `warn` or `bad`, for its row's colour.
 * @param {Record<string, any>} event a captured event.
 * @returns {'ok'|'warn'|'bad'|''} the tone; `''` for plain.
 * @example toneOf({ kind: 'request', status: 404 }); // 'warn'
 */
export function toneOf(event) {
  if (event.kind === 'error') return 'bad';
  if (event.kind === 'refused') return 'warn';
  if (event.kind === 'request' && typeof event.status === 'number') {
    return event.status >= 500 ? 'bad' : event.status >= 400 ? 'warn' : 'ok';
  }
  if (event.kind === 'query' && typeof event.rcode === 'string') {
    return event.rcode === 'NOERROR' ? 'ok' : event.rcode === 'NXDOMAIN' ? 'warn' : 'bad';
  }
  if (event.kind === 'transfer' && typeof event.status === 'string') {
    return event.status === 'complete' ? 'ok' : 'bad';
  }
  return '';
}

/**
 * Whether any of an event's fields contains a text, ignoring case (as the API's `q=`).
 * @param {Record<string, any>} event a captured event.
 * @param {string} needle the text, already lower case; `''` matches everything.
 * @returns {boolean} whether it is there.
 * @example matchesText(event, 'example.test');
 */
export function matchesText(event, needle) {
  if (needle === '') return true;
  const contains = (value) => {
    if (value === null || value === undefined) return false;
    if (typeof value === 'object') return Object.values(value).some(contains);
    return String(value).toLowerCase().includes(needle);
  };
  return Object.entries(event).some(([key, value]) => key !== 'time' && contains(value));
}

/**
 * The services filter shared by the timeline and the logs: `''` is every service but the
 * admin listener (whose own traffic is this page's polling), `*` is every service.
 * @param {Record<string, any>} event a captured event.
 * @param {string} choice the select's value.
 * @returns {boolean} whether the event is shown.
 * @example passesService(event, 'dns');
 */
export function passesService(event, choice) {
  if (choice === '*') return true;
  if (choice === '') return event.service !== 'admin';
  return event.service === choice;
}
