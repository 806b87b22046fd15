/**
 * Directory listings read from disk for LIST, NLST, MLSD, MLST and `STAT path`: entries are
 * read and formatted a batch at a time, so a huge directory is never held whole in memory.
 */

import type { Dir, Stats } from 'node:fs';
import { lstat, opendir, readlink, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { Producer } from '../../../dispatch/index.js';
import type { Permission } from '../codec/command-table.js';
import type { FileEntry, FileType } from '../codec/file-entry.js';
import { formatListLine, formatNlstLine } from '../codec/list-formatter.js';
import { formatMlsxLine, mlsxPermFact } from '../codec/mlsx.js';
import { leadsOutOfRoot } from './ftp-jail.js';

/** Which listing to produce. */
export type ListingFormat = 'list' | 'nlst' | 'mlsd';

/** Options for {@link ListingProducer} and {@link fileEntry}. */
export interface ListingOptions {
  /** The format. */
  readonly format: ListingFormat;
  /** The current time (LIST shows `HH:MM` or the year by it). */
  readonly now: Date;
  /** The user's rights, for the MLSx `perm` fact. */
  readonly permissions: ReadonlySet<Permission>;
  /** The MLSx facts to send. */
  readonly facts?: readonly string[];
  /**
   * The real root of the user's tree: symbolic links that lead outside it are left out of the
   * listing (default: no check; the server always sets it).
   */
  readonly root?: string;
  /**
   * Keep only the directory's entries whose name this accepts (a wildcard pattern's matcher);
   * default: every entry.
   */
  readonly match?: (name: string) => boolean;
  /** Put before each name shown (default `''`): NLST of `dir/*.txt` names `dir/a.txt`. */
  readonly namePrefix?: string;
  /** Most entries listed from a directory (default: no limit). */
  readonly maxEntries?: number;
  /** Show names starting with a dot (default true: FTP clients mirror them). */
  readonly showHidden?: boolean;
  /** Entries per chunk (default 128). */
  readonly batch?: number;
}

function typeOf(st: Stats): FileType {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'link';
  return 'other';
}

/**
 * Builds the {@link FileEntry} for one file from its `lstat()` result.
 *
 * @param name The name to show.
 * @param st The file's `lstat()` (or `stat()`) result.
 * @param permissions The user's rights (for the `perm` fact).
 * @param target Where a symbolic link points, if it is one.
 * @returns The entry.
 * @example
 * fileEntry('a.txt', await lstat('/srv/ftp/a.txt'), new Set(['read']));
 */
export function fileEntry(
  name: string,
  st: Stats,
  permissions: ReadonlySet<Permission>,
  target?: string,
): FileEntry {
  const type = typeOf(st);
  return {
    name,
    type,
    size: type === 'dir' ? 0 : st.size,
    mtime: st.mtime,
    mode: st.mode & 0o7777,
    nlink: st.nlink,
    owner: 'ftp',
    group: 'ftp',
    unique: `${st.dev.toString(16)}U${st.ino.toString(16)}`,
    perm: mlsxPermFact(type === 'dir' ? 'dir' : 'file', permissions),
    ...(target === undefined ? {} : { target }),
  };
}

/**
 * Reads one path's entry: a link shows what it points to in LIST; MLSx describes the file the
 * link leads to, as most servers do, so clients can follow it. With `root` set, a link that
 * leads outside it has no entry: like RETR and CWD, the listing treats it as missing.
 *
 * @param real The real path.
 * @param name The name to show.
 * @param options The listing options.
 * @returns The entry, or `null` if the file vanished meanwhile or is a link out of `root`.
 * @example
 * await readEntry('/srv/ftp/a.txt', 'a.txt', options);
 */
export async function readEntry(
  real: string,
  name: string,
  options: Pick<ListingOptions, 'format' | 'permissions' | 'root'>,
): Promise<FileEntry | null> {
  try {
    const st = await lstat(real);
    if (st.isSymbolicLink()) {
      if (options.root !== undefined && (await leadsOutOfRoot(options.root, real))) return null;
      if (options.format === 'mlsd') {
        const followed = await stat(real).catch(() => null);
        if (followed !== null) return fileEntry(name, followed, options.permissions);
      }
      const target = await readlink(real).catch(() => undefined);
      return fileEntry(name, st, options.permissions, target);
    }
    return fileEntry(name, st, options.permissions);
  } catch {
    return null;
  }
}

/**
 * Formats one entry as a line of the chosen listing (without CRLF).
 *
 * @param entry The entry.
 * @param options The listing options.
 * @returns The line.
 * @example
 * formatEntry(entry, { format: 'nlst', now: new Date(), permissions: new Set() }); // 'a.txt'
 */
export function formatEntry(entry: FileEntry, options: ListingOptions): string {
  if (options.format === 'nlst') return formatNlstLine(entry);
  if (options.format === 'mlsd') {
    return formatMlsxLine(entry, options.facts === undefined ? {} : { facts: options.facts });
  }
  return formatListLine(entry, { now: options.now });
}

/**
 * Produces a directory's listing (or one file's line, when `real` is a file), a batch of
 * entries per `more()`. The caller converts nothing: lines end in CRLF, as every listing on the
 * data connection must (they are ASCII-type transfers).
 *
 * @example
 * dataChannel.pushWithProducer(new ListingProducer('/srv/ftp/pub', { format: 'list', now, permissions }));
 */
export class ListingProducer implements Producer {
  readonly #real: string;
  readonly #options: ListingOptions;
  #dir: Dir | null = null;
  #started = false;
  #done = false;
  /** Entries produced so far. */
  count = 0;

  /**
   * @param real The real path of a directory or a file.
   * @param options The format, clock and rights.
   */
  constructor(real: string, options: ListingOptions) {
    this.#real = real;
    this.#options = options;
  }

  /**
   * The next chunk of lines, empty at the end.
   *
   * @returns The bytes.
   */
  async more(): Promise<Uint8Array> {
    if (this.#done) return new Uint8Array(0);
    if (!this.#started) {
      this.#started = true;
      const st = await stat(this.#real).catch(() => null);
      if (st === null || !st.isDirectory()) {
        this.#done = true;
        const entry = await readEntry(this.#real, nodePath.basename(this.#real), this.#options);
        if (entry === null) return new Uint8Array(0);
        this.count = 1;
        return Buffer.from(`${formatEntry(entry, this.#options)}\r\n`);
      }
      this.#dir = await opendir(this.#real, { bufferSize: 64 });
    }
    const dir = this.#dir as Dir;
    const lines: string[] = [];
    const { batch = 128, match, namePrefix = '', maxEntries = Infinity } = this.#options;
    while (lines.length < batch) {
      const dirent = this.count + lines.length < maxEntries ? await dir.read() : null;
      if (dirent === null) {
        this.close();
        break;
      }
      if (this.#options.showHidden === false && dirent.name.startsWith('.')) continue;
      if (match !== undefined && !match(dirent.name)) continue;
      const entry = await readEntry(
        nodePath.join(this.#real, dirent.name),
        namePrefix + dirent.name,
        this.#options,
      );
      if (entry !== null) lines.push(formatEntry(entry, this.#options));
    }
    this.count += lines.length;
    return lines.length === 0 ? new Uint8Array(0) : Buffer.from(`${lines.join('\r\n')}\r\n`);
  }

  /** Stops early and closes the directory. */
  close(): void {
    this.#done = true;
    const dir = this.#dir;
    this.#dir = null;
    dir?.close().catch(() => {});
  }
}

/**
 * Collects a whole listing as lines, up to a limit (for `STAT path` on the control connection).
 *
 * @param real The real path of a directory or a file.
 * @param options The listing options.
 * @param max The most lines to return.
 * @returns The lines, without CRLF.
 * @example
 * await collectListing('/srv/ftp', { format: 'list', now, permissions }, 1000);
 */
export async function collectListing(
  real: string,
  options: ListingOptions,
  max: number,
): Promise<string[]> {
  const producer = new ListingProducer(real, options);
  const lines: string[] = [];
  try {
    for (;;) {
      const chunk = await producer.more();
      if (chunk.length === 0) break;
      for (const line of Buffer.from(chunk).toString('utf8').split('\r\n')) {
        if (line !== '') lines.push(line);
      }
      if (lines.length >= max) break;
    }
  } finally {
    producer.close();
  }
  return lines.slice(0, max);
}
