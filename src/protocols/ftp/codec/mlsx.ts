/**
 * MLSD and MLST lines (RFC 3659 section 7): `fact=value;…; name`, formatted by the server and
 * parsed by the client.
 */

import type { Permission } from './command-table.js';
import type { FileEntry, FileType } from './file-entry.js';
import { formatFtpTime, parseFtpTime } from './ftp-time.js';

/**
 * The facts this server can send, in FEAT order.
 *
 * @example
 * MLSX_FACTS.includes('unix.mode'); // true
 */
export const MLSX_FACTS: readonly string[] = [
  'type',
  'size',
  'modify',
  'perm',
  'unique',
  'unix.mode',
  'unix.owner',
  'unix.group',
];

/**
 * The facts sent until the client picks others with `OPTS MLST`.
 *
 * @example
 * formatMlsxLine(entry, { facts: DEFAULT_MLSX_FACTS });
 */
export const DEFAULT_MLSX_FACTS: readonly string[] = ['type', 'size', 'modify', 'perm', 'unique'];

/** Options for {@link formatMlsxLine}. */
export interface MlsxFormatOptions {
  /** Facts to send, lower-case (default {@link DEFAULT_MLSX_FACTS}); ones the entry lacks are left out. */
  readonly facts?: readonly string[];
  /** Marks the entry as the listed directory itself (`cdir`) or its parent (`pdir`). */
  readonly role?: 'cdir' | 'pdir';
}

function typeFact(entry: FileEntry, role: 'cdir' | 'pdir' | undefined): string {
  if (role !== undefined) return role;
  if (entry.type === 'dir') return 'dir';
  if (entry.type === 'link') {
    // ProFTPD's spelling; RFC 3659 leaves OS-specific types to "OS.name=type".
    return entry.target === undefined ? 'OS.unix=slink' : `OS.unix=slink:${entry.target}`;
  }
  return entry.type === 'other' ? 'OS.unix=other' : 'file';
}

/** A fact value may not hold `;`, space, CR or LF (RFC 3659 7.2); those would break the line. */
function clean(value: string): string {
  return value.replace(/[; \r\n]/g, '_');
}

/**
 * Formats one MLSD line, or the fact line of an MLST reply (which the server indents by one
 * space): each fact ends with `;`, then one space, then the name.
 *
 * @param entry The entry.
 * @param options The facts to send, and `cdir`/`pdir` for the `.` and `..` entries.
 * @returns The line without its CRLF. A CR in the name is sent as CR NUL and an LF as NUL (RFC
 *   3659 2.2 has no escape for LF), so no name can end the line early.
 * @example
 * formatMlsxLine({ name: 'a b', type: 'file', size: 5, mtime: new Date('2026-11-24T15:17Z'), perm: 'r' });
 * // 'type=file;size=5;modify=20261124151700;perm=r; a b'
 */
export function formatMlsxLine(entry: FileEntry, options: MlsxFormatOptions = {}): string {
  const facts = options.facts ?? DEFAULT_MLSX_FACTS;
  let out = '';
  for (const fact of facts) {
    let value: string | undefined;
    switch (fact.toLowerCase()) {
      case 'type':
        value = typeFact(entry, options.role);
        break;
      case 'size':
        // RFC 3659 7.5.7: size is the transfer size of a file; directories leave it out.
        value = entry.type === 'file' ? String(entry.size) : undefined;
        break;
      case 'modify':
        value = formatFtpTime(entry.mtime);
        break;
      case 'perm':
        value = entry.perm;
        break;
      case 'unique':
        value = entry.unique;
        break;
      case 'unix.mode':
        value = entry.mode === undefined ? undefined : `0${(entry.mode & 0o7777).toString(8)}`;
        break;
      case 'unix.owner':
        value = entry.owner;
        break;
      case 'unix.group':
        value = entry.group;
        break;
    }
    if (value !== undefined) out += `${fact.toLowerCase()}=${clean(value)};`;
  }
  return `${out} ${entry.name.replace(/\r/g, '\r\0').replace(/\n/g, '\0')}`;
}

/**
 * Computes the `perm` fact (RFC 3659 7.5.5) from a user's rights, so MLSD tells the client only
 * what the server will allow.
 *
 * @param type The entry's type.
 * @param permissions The user's rights.
 * @returns The perm letters, e.g. `adfrw` for a file with every right.
 * @example
 * mlsxPermFact('dir', new Set(['list', 'mkdir'])); // 'elm'
 */
export function mlsxPermFact(type: FileType, permissions: ReadonlySet<Permission>): string {
  const has = (p: Permission, letters: string): string => (permissions.has(p) ? letters : '');
  if (type === 'dir') {
    // c: create files in it; d: remove it; e: enter it; f: rename it; l: list; m: mkdir; p: purge.
    return `${has('write', 'c')}${has('delete', 'd')}e${has('rename', 'f')}${has('list', 'l')}${has('mkdir', 'm')}${has('delete', 'p')}`;
  }
  // a: APPE; d: DELE; f: RNFR; r: RETR; w: STOR.
  return `${has('write', 'a')}${has('delete', 'd')}${has('rename', 'f')}${has('read', 'r')}${has('write', 'w')}`;
}

/** One parsed MLSx line: the entry and every fact as sent (names lower-cased). */
export interface MlsxLine {
  /** The entry. For `cdir` and `pdir` lines its type is `dir`. */
  readonly entry: FileEntry;
  /** Every fact, keyed by lower-case name, values as sent. */
  readonly facts: ReadonlyMap<string, string>;
}

function mlsxType(value: string | undefined): FileType {
  const v = (value ?? '').toLowerCase();
  if (v === 'file') return 'file';
  if (v === 'dir' || v === 'cdir' || v === 'pdir') return 'dir';
  if (v.startsWith('os.unix=slink') || v.startsWith('os.unix=symlink')) return 'link';
  return 'other';
}

/**
 * Parses one MLSD line or MLST fact line (a leading space, as in MLST replies, is allowed).
 * Missing size or modify facts give 0 and the epoch; the raw facts are returned alongside.
 *
 * @param line One line, without its line ending.
 * @returns The entry and its facts.
 * @throws {SyntaxError} If the line has no space before the name or a fact without `=`.
 * @example
 * parseMlsxLine('type=dir;modify=20261124151700; pub').entry.type; // 'dir'
 */
export function parseMlsxLine(line: string): MlsxLine {
  let text = line;
  if (text.startsWith(' ')) {
    // MLST indents its fact line by one space; a line with no facts is a space and the name.
    const next = text.indexOf(' ', 1);
    if (next > 1 && text.slice(1, next).includes('=')) text = text.slice(1);
  }
  const space = text.indexOf(' ');
  if (space === -1) throw new SyntaxError(`MLSx line without a name: ${JSON.stringify(line)}`);
  const facts = new Map<string, string>();
  for (const fact of text.slice(0, space).split(';')) {
    if (fact === '') continue;
    const eq = fact.indexOf('=');
    if (eq <= 0) throw new SyntaxError(`bad MLSx fact ${JSON.stringify(fact)}`);
    facts.set(fact.slice(0, eq).toLowerCase(), fact.slice(eq + 1));
  }
  const name = text.slice(space + 1).replace(/\r\0/g, '\r');
  const typeValue = facts.get('type');
  const type = mlsxType(typeValue);
  const size = Number(facts.get('size') ?? facts.get('sizd') ?? '0');
  const modeText = facts.get('unix.mode');
  const mode =
    modeText !== undefined && /^[0-7]{1,5}$/.test(modeText)
      ? Number.parseInt(modeText, 8)
      : undefined;
  const slink = /^os\.unix=slink:(.+)$/i.exec(typeValue ?? '');
  const owner = facts.get('unix.owner') ?? facts.get('unix.uid');
  const group = facts.get('unix.group') ?? facts.get('unix.gid');
  const perm = facts.get('perm');
  const unique = facts.get('unique');
  const entry: FileEntry = {
    name,
    type,
    size: Number.isSafeInteger(size) && size >= 0 ? size : 0,
    mtime: parseFtpTime(facts.get('modify') ?? '') ?? new Date(0),
    ...(mode === undefined ? {} : { mode }),
    ...(owner === undefined ? {} : { owner }),
    ...(group === undefined ? {} : { group }),
    ...(slink?.[1] === undefined ? {} : { target: slink[1] }),
    ...(unique === undefined ? {} : { unique }),
    ...(perm === undefined ? {} : { perm }),
  };
  return { entry, facts };
}

/**
 * Parses the argument of `OPTS MLST fact;fact;` (RFC 3659 7.9): the facts the client wants.
 * Unknown facts are ignored, as the RFC asks.
 *
 * @param list The fact list, e.g. `type;size;modify;` (may be empty: no facts).
 * @returns The chosen supported facts, lower-case, in {@link MLSX_FACTS} order.
 * @example
 * parseMlstOpts('Size;type;foo;'); // ['type', 'size']
 */
export function parseMlstOpts(list: string): string[] {
  const wanted = new Set(list.split(';').map((f) => f.trim().toLowerCase()));
  return MLSX_FACTS.filter((f) => wanted.has(f));
}
