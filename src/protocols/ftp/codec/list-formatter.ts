/**
 * The server's LIST and NLST output: `ls -l` lines as vsftpd writes them, which every FTP client
 * (Python's ftplib users, lftp, curl, FileZilla, browsers) knows how to read.
 */

import { defaultMode, type FileEntry, formatMode } from './file-entry.js';

/** Options for {@link formatListLine}. */
export interface ListFormatOptions {
  /** The current time, injected: it decides between `HH:MM` and the year. */
  readonly now: Date;
  /** Offset of the server's display time zone from UTC, in minutes (default 0: UTC, like vsftpd). */
  readonly utcOffsetMinutes?: number;
  /** Owner shown when the entry has none (default `ftp`). */
  readonly owner?: string;
  /** Group shown when the entry has none (default `ftp`). */
  readonly group?: string;
}

/**
 * Month abbreviations as `ls` prints them in the C locale.
 *
 * @example
 * MONTHS[10]; // 'Nov'
 */
export const MONTHS: readonly string[] = [
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
];

/** Half a Gregorian year in milliseconds: coreutils' boundary for showing the year. */
const SIX_MONTHS_MS = (31_556_952 / 2) * 1000;

/**
 * Replaces control characters (0x00–0x1f, 0x7f) in a name with `?`, as `ls -q` and vsftpd do:
 * a name holding a line break would otherwise forge extra listing lines, and an escape or
 * shift character would reach the user's terminal as is.
 *
 * @param name A file name.
 * @returns The name, safe for one listing line.
 * @example
 * safeListName('a\nb'); // 'a?b'
 * safeListName('a\x1b[2Jb'); // 'a?[2Jb'
 */
export function safeListName(name: string): string {
  return name.replace(/[\x00-\x1f\x7f]/g, '?');
}

function pad(value: string | number, width: number, left = false): string {
  const s = String(value);
  return left ? s.padEnd(width) : s.padStart(width);
}

/**
 * Formats the date column of `ls -l`: `Nov 24 15:17` for times in the last six months, else
 * `Nov 24  2025`. Times in the future show the year, as GNU ls does.
 *
 * @param mtime The modification time.
 * @param now The current time.
 * @param utcOffsetMinutes The display zone's offset from UTC.
 * @returns Twelve characters.
 * @example
 * formatListDate(new Date('2020-01-05T10:00Z'), new Date('2026-11-24T15:17Z')); // 'Jan  5  2020'
 */
export function formatListDate(mtime: Date, now: Date, utcOffsetMinutes = 0): string {
  const local = new Date(mtime.getTime() + utcOffsetMinutes * 60_000);
  const age = now.getTime() - mtime.getTime();
  const recent = age >= 0 && age < SIX_MONTHS_MS;
  const month = MONTHS[local.getUTCMonth()] ?? 'Jan';
  const day = pad(local.getUTCDate(), 2);
  const tail = recent
    ? `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`
    : ` ${pad(local.getUTCFullYear(), 4)}`;
  return `${month} ${day} ${tail}`;
}

/**
 * Formats one LIST line (without its CRLF) in vsftpd's layout:
 * `-rw-r--r--    1 owner    group        1234 Nov 24 15:17 name`, with ` -> target` after a
 * symbolic link's name.
 *
 * @param entry The entry.
 * @param options The injected clock, the time zone and default owner/group.
 * @returns The line.
 * @example
 * formatListLine(
 *   { name: 'a.txt', type: 'file', size: 1234, mtime: new Date('2026-11-24T15:17Z') },
 *   { now: new Date('2026-11-25T00:00Z') },
 * ); // '-rw-r--r--    1 ftp      ftp          1234 Nov 24 15:17 a.txt'
 */
export function formatListLine(entry: FileEntry, options: ListFormatOptions): string {
  const mode = formatMode(entry.type, entry.mode ?? defaultMode(entry.type));
  const nlink = entry.nlink ?? (entry.type === 'dir' ? 2 : 1);
  const owner = safeListName(entry.owner ?? options.owner ?? 'ftp').replace(/ /g, '_');
  const group = safeListName(entry.group ?? options.group ?? 'ftp').replace(/ /g, '_');
  const date = formatListDate(entry.mtime, options.now, options.utcOffsetMinutes ?? 0);
  let name = safeListName(entry.name);
  if (entry.type === 'link' && entry.target !== undefined) {
    name += ` -> ${safeListName(entry.target)}`;
  }
  return `${mode} ${pad(nlink, 4)} ${pad(owner, 8, true)} ${pad(group, 8, true)} ${pad(entry.size, 8)} ${date} ${name}`;
}

/**
 * Formats one NLST line (without its CRLF): the name alone, line breaks made safe.
 *
 * @param entry The entry (only its name is used).
 * @returns The line.
 * @example
 * formatNlstLine({ name: 'a.txt', type: 'file', size: 1, mtime: new Date(0) }); // 'a.txt'
 */
export function formatNlstLine(entry: Pick<FileEntry, 'name'>): string {
  return safeListName(entry.name);
}
