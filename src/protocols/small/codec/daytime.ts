/**
 * The Daytime Protocol (RFC 867): one line with the current date and time.
 */

const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Formats the daytime line. RFC 867 prescribes no syntax and suggests
 * `Weekday, Month Day, Year Time-Zone`; this uses that form, in UTC so the answer does not
 * depend on the server's zone:
 *
 * `Tuesday, November 24, 2026 15:17:31-UTC` followed by CRLF
 *
 * The weekday and month are spelled out in English, the day of the month is not zero-padded,
 * the time is 24-hour `HH:MM:SS`, and the zone is always `UTC`.
 *
 * @param date The time to report (the server passes its clock's now).
 * @returns The line with its CRLF, all ASCII; the server sends it and closes.
 * @throws {RangeError} If `date` is an invalid Date.
 * @example
 * formatDaytime(new Date('2026-11-24T15:17:31Z'));
 * // 'Tuesday, November 24, 2026 15:17:31-UTC\r\n'
 */
export function formatDaytime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('formatDaytime() needs a valid Date');
  const weekday = WEEKDAYS[date.getUTCDay()] ?? '';
  const month = MONTHS[date.getUTCMonth()] ?? '';
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${weekday}, ${month} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${time}-UTC\r\n`;
}
