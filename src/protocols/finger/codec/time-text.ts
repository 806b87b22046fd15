/**
 * Times as BSD finger prints them, always in UTC: a codec has no time zone of its own, and a
 * remote reader cannot know the server's.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
const DAY_SECONDS = 86_400;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function clock(date: Date): string {
  return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}

/**
 * The login time column: `Tue 15:17` within six days, `Nov  4` within half a year, otherwise
 * `Nov  4 2025` (the same cut-offs as BSD finger's short format).
 */
export function shortLoginTime(since: Date, now: Date): string {
  if (Number.isNaN(since.getTime())) return '?';
  const age = (now.getTime() - since.getTime()) / 1000;
  const day = DAYS[since.getUTCDay()] ?? '';
  const month = MONTHS[since.getUTCMonth()] ?? '';
  const date = String(since.getUTCDate()).padStart(2, ' ');
  if (age < 6 * DAY_SECONDS) return `${day} ${clock(since)}`;
  if (age < 180 * DAY_SECONDS) return `${month} ${date}`;
  return `${month} ${date} ${since.getUTCFullYear()}`;
}

/** The long record's time: `Tue Nov 24 15:17 (UTC)`. */
export function longLoginTime(since: Date): string {
  if (Number.isNaN(since.getTime())) return '(unknown)';
  const day = DAYS[since.getUTCDay()] ?? '';
  const month = MONTHS[since.getUTCMonth()] ?? '';
  const date = String(since.getUTCDate()).padStart(2, ' ');
  return `${day} ${month} ${date} ${clock(since)} (UTC)`;
}

/** The idle column: blank under a minute, then minutes, `h:mm`, or `Nd`. */
export function shortIdle(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 60) return '';
  if (seconds < 3600) return String(Math.floor(seconds / 60));
  if (seconds < DAY_SECONDS) {
    return `${Math.floor(seconds / 3600)}:${two(Math.floor((seconds % 3600) / 60))}`;
  }
  return `${Math.floor(seconds / DAY_SECONDS)}d`;
}

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The long record's idle line: `5 minutes idle`, or empty under a minute. */
export function longIdle(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 60) return '';
  const days = Math.floor(seconds / DAY_SECONDS);
  const hours = Math.floor((seconds % DAY_SECONDS) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${count(days, 'day')} ${count(hours, 'hour')} idle`;
  if (hours > 0) return `${count(hours, 'hour')} ${count(minutes, 'minute')} idle`;
  return `${count(minutes, 'minute')} idle`;
}
