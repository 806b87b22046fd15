/**
 * The FTP time value (RFC 3659 section 2.3): `YYYYMMDDHHMMSS[.sss]`, always UTC. MDTM and MFMT
 * carry it, and the MLSx `modify` fact.
 */

import { type ArgResult, fail, ok } from './reply.js';

const TIME_VAL = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats a time as an RFC 3659 time value.
 *
 * @param time The time.
 * @param fraction Whether to add milliseconds (`.sss`) when they are not zero.
 * @returns `YYYYMMDDHHMMSS` or `YYYYMMDDHHMMSS.sss`, in UTC.
 * @throws {RangeError} If the time is invalid or its year is outside 0 to 9999.
 * @example
 * formatFtpTime(new Date(Date.UTC(2026, 10, 24, 15, 17))); // '20261124151700'
 */
export function formatFtpTime(time: Date, fraction = false): string {
  const year = time.getUTCFullYear();
  if (Number.isNaN(time.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`time ${time.toISOString?.() ?? String(time)} cannot be an FTP time`);
  }
  const base =
    pad(year, 4) +
    pad(time.getUTCMonth() + 1, 2) +
    pad(time.getUTCDate(), 2) +
    pad(time.getUTCHours(), 2) +
    pad(time.getUTCMinutes(), 2) +
    pad(time.getUTCSeconds(), 2);
  const ms = time.getUTCMilliseconds();
  return fraction && ms !== 0 ? `${base}.${pad(ms, 3)}` : base;
}

/**
 * Parses an RFC 3659 time value. Fields are checked against the calendar (no 31 February); a
 * leap second (`60`) is read as `59` since `Date` cannot hold it.
 *
 * @param text The time value, e.g. `20261124151700` or `20261124151700.5`.
 * @returns The time (UTC), or `null` if the text is not a valid time value.
 * @example
 * parseFtpTime('20261124151700')?.toISOString(); // '2026-11-24T15:17:00.000Z'
 * parseFtpTime('20260231000000'); // null
 */
export function parseFtpTime(text: string): Date | null {
  const m = TIME_VAL.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, Math.min(s, 59), ms));
  date.setUTCFullYear(y);
  // Date.UTC rolls 31 February into March; a changed month means the day did not exist.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date;
}

/**
 * Parses the argument of `MFMT time-val path` (draft-somers-ftp-mfxx).
 *
 * @param arg The argument.
 * @returns The new modification time and the path, or a 501 reply.
 * @example
 * parseMfmtArg('20261124151700 a b.txt'); // { ok: true, value: { time: <Date>, path: 'a b.txt' } }
 */
export function parseMfmtArg(
  arg: string,
): ArgResult<{ readonly time: Date; readonly path: string }> {
  const space = arg.indexOf(' ');
  const time = space > 0 ? parseFtpTime(arg.slice(0, space)) : null;
  const path = space > 0 ? arg.slice(space + 1) : '';
  if (time === null || path === '') {
    return fail(501, 'Syntax error: use MFMT YYYYMMDDHHMMSS path.');
  }
  return ok({ time, path });
}
