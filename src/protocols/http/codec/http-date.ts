/**
 * HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const IMF_FIXDATE =
  /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC_850 = /^([A-Z][a-z]{5,8}), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Formats a date as an IMF-fixdate, the only form a sender may generate.
 *
 * @param date The instant; milliseconds are dropped.
 * @returns E.g. `'Sun, 06 Nov 1994 08:49:37 GMT'`.
 * @throws {RangeError} For an invalid date or a year outside 1000-9999.
 * @example
 * formatHttpDate(new Date(Date.UTC(1994, 10, 6, 8, 49, 37))); // 'Sun, 06 Nov 1994 08:49:37 GMT'
 */
export function formatHttpDate(date: Date): string {
  const time = date.getTime();
  const year = date.getUTCFullYear();
  if (Number.isNaN(time) || year < 1000 || year > 9999) {
    throw new RangeError('date cannot be written as an IMF-fixdate');
  }
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${year} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} GMT`;
}

/**
 * Parses an HTTP date in any of the three forms recipients must accept. An RFC 850 two-digit
 * year is read in the century that puts it at most 50 years after `now` (RFC 9110 5.6.7); with no
 * `now`, 70-99 mean 19xx and 00-69 mean 20xx, as POSIX `strptime` does.
 *
 * @param text The field value.
 * @param now The current time, for RFC 850 years only; callers inject it so this stays pure.
 * @returns The instant.
 * @throws {SyntaxError} When `text` is not a valid HTTP date.
 * @example
 * parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT').toISOString(); // '1994-11-06T08:49:37.000Z'
 */
export function parseHttpDate(text: string, now?: Date): Date {
  const date = tryParseHttpDate(text, now);
  if (date === null) throw new SyntaxError(`invalid HTTP date ${JSON.stringify(text)}`);
  return date;
}

/**
 * Like {@link parseHttpDate} but returns `null` for an invalid date, which RFC 9110 tells
 * recipients of conditional fields to ignore rather than reject.
 *
 * @param text The field value.
 * @param now The current time, for RFC 850 years only.
 * @returns The instant, or `null`.
 * @example
 * tryParseHttpDate('yesterday'); // null
 */
export function tryParseHttpDate(text: string, now?: Date): Date | null {
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) {
    if (!DAYS.includes(m[1]!)) return null;
    return build(+m[4]!, m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  }
  m = RFC_850.exec(text);
  if (m !== null) {
    if (!LONG_DAYS.includes(m[1]!)) return null;
    return build(fullYear(+m[4]!, now), m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  }
  m = ASCTIME.exec(text);
  if (m !== null) {
    if (!DAYS.includes(m[1]!)) return null;
    return build(+m[7]!, m[2]!, +m[3]!.trim(), +m[4]!, +m[5]!, +m[6]!);
  }
  return null;
}

function fullYear(yy: number, now: Date | undefined): number {
  if (now === undefined || Number.isNaN(now.getTime())) return yy >= 70 ? 1900 + yy : 2000 + yy;
  const current = now.getUTCFullYear();
  let year = current - (current % 100) + yy;
  if (year > current + 50) year -= 100;
  return year;
}

function build(
  year: number,
  monthName: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | null {
  const month = MONTHS.indexOf(monthName);
  // A leap second (60) is allowed by the grammar; Date cannot hold it, so it clamps to 59.
  if (month === -1 || hour > 23 || minute > 59 || second > 60 || day < 1) return null;
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  const date = new Date(time);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month) return null;
  return date;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
