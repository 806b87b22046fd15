/**
 * The client's LIST parser: Unix `ls -l` lines (vsftpd, ProFTPD, pyftpdlib, most servers) and
 * the MS-DOS format of IIS, into {@link FileEntry} values.
 */

import type { FileEntry } from './file-entry.js';
import { parseMode } from './file-entry.js';
import { MONTHS } from './list-formatter.js';

/** Options for {@link parseListLine}. */
export interface ListParseOptions {
  /** The current time, injected: `Nov 24 15:17` has no year, so it is taken from here. */
  readonly now: Date;
  /** The server's time zone offset from UTC in minutes (default 0). */
  readonly utcOffsetMinutes?: number;
}

// mode, links, owner [group], size (or "major, minor" for devices), month, day, time-or-year, name.
const UNIX =
  /^([-dlcbpsD][-rwxsStT]{9}[.+@]?)\s+(\d+)\s+(\S+)\s+(?:(\S+)\s+)?(\d+|\d+,\s*\d+)\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}:\d{2}|\d{4})\s(.+)$/;
// The same with an ISO date (ls --time-style=long-iso): `2026-11-24 15:17`.
const UNIX_ISO =
  /^([-dlcbpsD][-rwxsStT]{9}[.+@]?)\s+(\d+)\s+(\S+)\s+(?:(\S+)\s+)?(\d+|\d+,\s*\d+)\s+(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2})\s(.+)$/;
// 11-24-26  03:17PM  <DIR>  name   /   11-24-2026  15:17  1234 name
const DOS =
  /^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?\s+(<DIR>|\d+)\s+(.+)$/;

const DAY_MS = 86_400_000;

function utc(y: number, mo: number, d: number, h: number, mi: number, offset: number): Date {
  // Listing years are four digits or already widened, so Date.UTC's 0-99 quirk cannot bite.
  return new Date(Date.UTC(y, mo, d, h, mi) - offset * 60_000);
}

function unixEntry(
  modeText: string,
  links: string,
  owner: string,
  group: string | undefined,
  sizeText: string,
  mtime: Date,
  rawName: string,
): FileEntry {
  const parsed = parseMode(modeText.replace(/^D/, 'd'));
  const type = parsed?.type ?? 'other';
  let name = rawName;
  let target: string | undefined;
  if (type === 'link') {
    const arrow = rawName.indexOf(' -> ');
    if (arrow !== -1) {
      name = rawName.slice(0, arrow);
      target = rawName.slice(arrow + 4);
    }
  }
  // A device shows "major, minor" where the size goes; it has no size.
  const size = sizeText.includes(',') ? 0 : Number(sizeText);
  return {
    name,
    type,
    size,
    mtime,
    ...(parsed ? { mode: parsed.mode } : {}),
    owner,
    ...(group === undefined ? {} : { group }),
    nlink: Number(links),
    ...(target === undefined ? {} : { target }),
  };
}

/**
 * Parses one line of a LIST reply.
 *
 * @param line One line, without its line ending.
 * @param options The injected clock (for dates without a year) and the server's time zone.
 * @returns The entry, or `null` for lines that carry none (`total 12`, blank lines, `.`, `..`).
 * @throws {SyntaxError} If the line is in no format this parser knows.
 * @example
 * parseListLine('drwxr-xr-x    2 ftp      ftp          4096 Jan  5  2020 pub', { now: new Date() });
 * // { name: 'pub', type: 'dir', size: 4096, mtime: 2020-01-05T00:00Z, mode: 0o755, … }
 */
export function parseListLine(line: string, options: ListParseOptions): FileEntry | null {
  const offset = options.utcOffsetMinutes ?? 0;
  if (line.trim() === '' || /^total\s+\d+/i.test(line)) return null;
  let m = UNIX.exec(line);
  if (m) {
    const [, mode, links, owner, group, size, mon, day, when, name] = m as unknown as string[];
    const month = MONTHS.findIndex((x) => x.toLowerCase() === (mon ?? '').toLowerCase());
    if (month === -1) throw new SyntaxError(`unknown month in LIST line: ${line}`);
    let mtime: Date;
    if ((when ?? '').includes(':')) {
      const [h, mi] = (when ?? '').split(':').map(Number) as [number, number];
      const year = options.now.getUTCFullYear();
      mtime = utc(year, month, Number(day), h, mi, offset);
      // No year means "within the last six months": a date ahead of now is from last year.
      if (mtime.getTime() > options.now.getTime() + DAY_MS) {
        mtime = utc(year - 1, month, Number(day), h, mi, offset);
      }
    } else {
      mtime = utc(Number(when), month, Number(day), 0, 0, offset);
    }
    return skipDots(
      unixEntry(mode ?? '', links ?? '', owner ?? '', group, size ?? '0', mtime, name ?? ''),
    );
  }
  m = UNIX_ISO.exec(line);
  if (m) {
    const [, mode, links, owner, group, size, y, mo, d, h, mi, name] = m as unknown as string[];
    const mtime = utc(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), offset);
    return skipDots(
      unixEntry(mode ?? '', links ?? '', owner ?? '', group, size ?? '0', mtime, name ?? ''),
    );
  }
  m = DOS.exec(line);
  if (m) {
    const [, mo, d, y, h, mi, ampm, size, name] = m as unknown as string[];
    let year = Number(y);
    // Two-digit years follow the POSIX strptime pivot: 69-99 are 19xx, 00-68 are 20xx.
    if ((y ?? '').length === 2) year += year < 69 ? 2000 : 1900;
    let hour = Number(h) % (ampm ? 12 : 24);
    if (ampm !== undefined && ampm.toUpperCase() === 'PM') hour += 12;
    const mtime = utc(year, Number(mo) - 1, Number(d), hour, Number(mi), offset);
    const isDir = size === '<DIR>';
    return skipDots({
      name: name ?? '',
      type: isDir ? 'dir' : 'file',
      size: isDir ? 0 : Number(size),
      mtime,
    });
  }
  throw new SyntaxError(`unrecognised LIST line: ${JSON.stringify(line.slice(0, 120))}`);
}

function skipDots(entry: FileEntry): FileEntry | null {
  return entry.name === '.' || entry.name === '..' ? null : entry;
}

/**
 * Parses a whole LIST reply, keeping the lines it could not read apart instead of failing: one
 * odd line should not hide a directory.
 *
 * @param text The listing as received (CRLF or LF line ends).
 * @param options As for {@link parseListLine}.
 * @returns The entries and the lines that were not understood.
 * @example
 * parseListing('total 0\r\n-rw-r--r-- 1 a b 5 Nov 24 15:17 x\r\n', { now: new Date() }).entries.length; // 1
 */
export function parseListing(
  text: string,
  options: ListParseOptions,
): { readonly entries: FileEntry[]; readonly skipped: string[] } {
  const entries: FileEntry[] = [];
  const skipped: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    try {
      const entry = parseListLine(line, options);
      if (entry !== null) entries.push(entry);
    } catch {
      skipped.push(line);
    }
  }
  return { entries, skipped };
}
