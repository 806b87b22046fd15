/**
 * The directory entry both sides of FTP share: what the server formats into LIST and MLSx lines,
 * and what the client's listing parsers produce.
 */

/** What kind of file an entry is. */
export type FileType = 'file' | 'dir' | 'link' | 'other';

/** One entry of a directory listing. */
export interface FileEntry {
  /** The name (a base name in listings). */
  readonly name: string;
  /** File, directory, symbolic link, or anything else (device, socket, fifo). */
  readonly type: FileType;
  /** Size in bytes (0 when the listing did not say). */
  readonly size: number;
  /** Modification time (the epoch when the listing did not say). */
  readonly mtime: Date;
  /** Unix permission bits, e.g. `0o644`, with setuid/setgid/sticky in the upper bits. */
  readonly mode?: number;
  /** Owner name or number. */
  readonly owner?: string;
  /** Group name or number. */
  readonly group?: string;
  /** Hard link count. */
  readonly nlink?: number;
  /** Where a symbolic link points. */
  readonly target?: string;
  /** The MLSx `unique` fact (a stable id, e.g. `dev.ino` in hex). */
  readonly unique?: string;
  /** The MLSx `perm` fact (RFC 3659 7.5.5 letters, e.g. `adfrw`). */
  readonly perm?: string;
}

const TYPE_CHAR: Record<FileType, string> = { file: '-', dir: 'd', link: 'l', other: '-' };

/**
 * The mode shown for an entry that has none: what a umask of 022 gives.
 *
 * @param type The file type.
 * @returns `0o755` for directories, `0o777` for links, else `0o644`.
 * @example
 * defaultMode('dir'); // 0o755
 */
export function defaultMode(type: FileType): number {
  return type === 'dir' ? 0o755 : type === 'link' ? 0o777 : 0o644;
}

/**
 * Formats an `ls -l` mode string.
 *
 * @param type The file type, which gives the first character.
 * @param mode The permission bits (setuid, setgid and sticky shown as `s`/`S`, `t`/`T`).
 * @returns Ten characters, e.g. `-rw-r--r--`.
 * @example
 * formatMode('dir', 0o1777); // 'drwxrwxrwt'
 */
export function formatMode(type: FileType, mode: number): string {
  const bit = (mask: number, c: string): string => ((mode & mask) !== 0 ? c : '-');
  const special = (exec: number, flag: number, on: string): string => {
    const x = (mode & exec) !== 0;
    if ((mode & flag) === 0) return x ? 'x' : '-';
    return x ? on : on.toUpperCase();
  };
  return (
    TYPE_CHAR[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  );
}

/**
 * Parses an `ls -l` mode string back into a type and permission bits.
 *
 * @param text Ten characters such as `drwxr-sr-x` (a trailing `+`, `.` or `@` is ignored).
 * @returns The type and bits, or `null` if the text is not a mode string.
 * @example
 * parseMode('-rwsr-xr-x'); // { type: 'file', mode: 0o4755 }
 */
export function parseMode(text: string): { type: FileType; mode: number } | null {
  const m = /^([-dlcbps])([-r])([-w])([-xsS])([-r])([-w])([-xsS])([-r])([-w])([-xtT])[.+@]?$/.exec(
    text,
  );
  if (!m) return null;
  const t = m[1];
  const type: FileType = t === '-' ? 'file' : t === 'd' ? 'dir' : t === 'l' ? 'link' : 'other';
  const c = m.slice(2) as string[];
  let mode = 0;
  const set = (i: number, mask: number): void => {
    if (c[i] !== '-') mode |= mask;
  };
  set(0, 0o400);
  set(1, 0o200);
  set(3, 0o040);
  set(4, 0o020);
  set(6, 0o004);
  set(7, 0o002);
  const special = (i: number, exec: number, flag: number): void => {
    const ch = c[i] ?? '-';
    if (ch === 'x' || ch === 's' || ch === 't') mode |= exec;
    if (ch === 's' || ch === 'S' || ch === 't' || ch === 'T') mode |= flag;
  };
  special(2, 0o100, 0o4000);
  special(5, 0o010, 0o2000);
  special(8, 0o001, 0o1000);
  return { type, mode };
}
