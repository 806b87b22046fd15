/** Numbers and times as people read them: binary units, rates, clock times, durations. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A byte count in binary units.
 * @param {number} n bytes.
 * @returns {string} `512 B`, `1.5 KiB`, `12 MiB`.
 * @example formatBytes(1536); // '1.5 KiB'
 */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '–';
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}

/**
 * A byte rate in binary units per second.
 * @param {number} perSecond bytes per second.
 * @returns {string} `0 B/s`, `3.4 KiB/s`.
 * @example formatByteRate(2048); // '2 KiB/s'
 */
export function formatByteRate(perSecond) {
  return `${formatBytes(perSecond)}/s`;
}

/**
 * A rate of things per second, with sensible precision.
 * @param {number} perSecond the rate.
 * @param {string} unit what is counted (`req/s`).
 * @returns {string} `0 req/s`, `0.5 req/s`, `120 req/s`.
 * @example formatRate(0.25, 'req/s'); // '0.25 req/s'
 */
export function formatRate(perSecond, unit) {
  if (!Number.isFinite(perSecond)) return '–';
  const digits = perSecond === 0 || perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${Number(perSecond.toFixed(digits))} ${unit}`;
}

/**
 * A duration in milliseconds for people.
 * @param {number} ms milliseconds.
 * @returns {string} `0.4 ms`, `12 ms`, `3.2 s`, `2m 5s`.
 * @example formatDuration(3200); // '3.2 s'
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (d > 0) return `${d}d ${hms[0]}h ${hms[1]}m`;
  if (hms[0] > 0) return `${hms[0]}h ${hms[1]}m ${hms[2]}s`;
  return `${hms[1]}m ${hms[2]}s`;
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/**
 * A time of day, local, to the millisecond: events come in bursts and their order matters.
 * @param {number} ms milliseconds since the epoch.
 * @returns {string} `14:03:27.125`.
 * @example formatClock(Date.now());
 */
export function formatClock(ms) {
  const t = new Date(ms);
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`;
}

/**
 * A date and time, local, for lists spanning days (the mailbox).
 * @param {number} ms milliseconds since the epoch.
 * @returns {string} `14:03` today, `Dec 5 14:03` before.
 * @example formatWhen(message.time);
 */
export function formatWhen(ms) {
  const t = new Date(ms);
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  if (t.toDateString() === new Date().toDateString()) return time;
  return `${t.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/**
 * An ISO 8601 time, for a hover title.
 * @param {number} ms milliseconds since the epoch.
 * @returns {string} `2026-12-06T14:03:27.125Z`.
 * @example h('td', { title: formatIso(event.time) }, formatClock(event.time));
 */
export function formatIso(ms) {
  return new Date(ms).toISOString();
}

/**
 * An address and port as a URL's authority: IPv6 in brackets.
 * @param {string} address `127.0.0.1` or `::1`.
 * @param {number} port the port.
 * @returns {string} `127.0.0.1:8080`, `[::1]:8080`.
 * @example hostPort('::1', 10080); // '[::1]:10080'
 */
export function hostPort(address, port) {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
