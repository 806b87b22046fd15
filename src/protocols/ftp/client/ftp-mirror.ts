/**
 * `polyport ftp mirror`: copies a tree between an FTP server and a local folder, as `lftp
 * mirror` does — a file whose size and modification time already match is skipped, copies keep
 * the source's modification time, and `--delete` removes what the source no longer has.
 */
import { mkdirSync, readdirSync, rmSync, type Stats, statSync, utimesSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { FileEntry } from '../codec/file-entry.js';
import { formatFtpTime } from '../codec/ftp-time.js';
import type { FtpClient } from './ftp-client.js';

/** Options for {@link mirrorDown} and {@link mirrorUp}. */
export interface MirrorOptions {
  /** Remove what is in the target but no longer in the source. */
  readonly delete?: boolean;
  /** Makes the progress callback of one file transfer (`label`, expected size). */
  readonly progress?: (label: string, size: number | null) => (bytes: number) => void;
}

/** What a mirror run did. */
export interface MirrorCounts {
  /** Files copied. */
  copied: number;
  /** Files skipped because size and modification time matched. */
  unchanged: number;
  /** Files and folders removed with `delete`. */
  deleted: number;
}

/** Whole seconds: FTP times (MDTM, MLSD modify) carry no finer part from most servers. */
const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/** Whether `remote` and the local file `st` are the same version: same size, same second. */
function sameFile(remote: FileEntry, st: { size: number; mtime: Date }): boolean {
  return (
    remote.mtime.getTime() !== 0 &&
    remote.size === st.size &&
    seconds(remote.mtime) === seconds(st.mtime)
  );
}

const join = (dir: string, name: string): string =>
  dir === '' ? name : `${dir.replace(/\/$/, '')}/${name}`;

/** Listing entries a mirror may act on: no `.`/`..`, nothing with a slash in its name. */
function entries(list: readonly FileEntry[]): FileEntry[] {
  return list.filter((e) => !e.name.includes('/') && e.name !== '.' && e.name !== '..');
}

/**
 * Downloads the remote tree `remote` into the local folder `local`.
 * @param ftp a logged-in client.
 * @param remote the remote folder ('' for the working directory).
 * @param local the local folder (made when missing).
 * @param options `delete` and progress.
 * @returns what was copied, skipped and deleted.
 * @throws {FtpError} when the server refuses a listing or a download.
 * @example const counts = await mirrorDown(ftp, 'pub', './pub', { delete: true });
 */
export async function mirrorDown(
  ftp: FtpClient,
  remote: string,
  local: string,
  options: MirrorOptions = {},
  counts: MirrorCounts = { copied: 0, unchanged: 0, deleted: 0 },
): Promise<MirrorCounts> {
  mkdirSync(local, { recursive: true });
  const listed = entries(await ftp.list(remote));
  for (const entry of listed) {
    const r = join(remote, entry.name);
    const l = nodePath.join(local, entry.name);
    if (entry.type === 'dir') {
      await mirrorDown(ftp, r, l, options, counts);
    } else if (entry.type === 'file') {
      const st = statOrNull(l);
      if (st?.isFile() && sameFile(entry, st)) {
        counts.unchanged += 1;
        continue;
      }
      await ftp.get(r, l, {
        ...(options.progress ? { onProgress: options.progress(r, entry.size) } : {}),
      });
      // Keep the server's time, so the next run can tell the file has not changed.
      if (entry.mtime.getTime() !== 0) utimesSync(l, entry.mtime, entry.mtime);
      counts.copied += 1;
    }
  }
  if (options.delete) {
    const names = new Set(listed.map((e) => e.name));
    for (const name of readdirSync(local)) {
      if (names.has(name)) continue;
      rmSync(nodePath.join(local, name), { recursive: true, force: true });
      counts.deleted += 1;
    }
  }
  return counts;
}

/**
 * Uploads the local folder `local` to the remote folder `remote`; each uploaded file gets the
 * local modification time (MFMT) when the server has it.
 * @param ftp a logged-in client.
 * @param local the local folder.
 * @param remote the remote folder (made when missing).
 * @param options `delete` and progress.
 * @returns what was copied, skipped and deleted.
 * @throws {FtpError} when the server refuses an upload or a deletion.
 * @example await mirrorUp(ftp, './site', 'www', {});
 */
export async function mirrorUp(
  ftp: FtpClient,
  local: string,
  remote: string,
  options: MirrorOptions = {},
  counts: MirrorCounts = { copied: 0, unchanged: 0, deleted: 0 },
): Promise<MirrorCounts> {
  // The target may not exist yet; an existing one makes MKD fail, which is fine.
  if (remote !== '') await ftp.mkdir(remote).catch(() => '');
  const there = new Map(entries(await ftp.list(remote).catch(() => [])).map((e) => [e.name, e]));
  const names = readdirSync(local);
  for (const name of names) {
    const l = nodePath.join(local, name);
    const r = join(remote, name);
    const st = statSync(l);
    if (st.isDirectory()) {
      await mirrorUp(ftp, l, r, options, counts);
    } else if (st.isFile()) {
      const existing = there.get(name);
      if (existing?.type === 'file' && sameFile(existing, st)) {
        counts.unchanged += 1;
        continue;
      }
      await ftp.put(l, r, {
        ...(options.progress ? { onProgress: options.progress(r, st.size) } : {}),
      });
      // Not every server has MFMT; without it the next run uploads the file again.
      await ftp.command(`MFMT ${formatFtpTime(st.mtime)} ${r}`);
      counts.copied += 1;
    }
  }
  if (options.delete) {
    const local_ = new Set(names);
    for (const [name, entry] of there) {
      if (local_.has(name)) continue;
      await removeRemote(ftp, join(remote, name), entry);
      counts.deleted += 1;
    }
  }
  return counts;
}

async function removeRemote(ftp: FtpClient, path: string, entry: FileEntry): Promise<void> {
  if (entry.type !== 'dir') {
    await ftp.delete(path);
    return;
  }
  for (const child of entries(await ftp.list(path))) {
    await removeRemote(ftp, join(path, child.name), child);
  }
  await ftp.rmdir(path);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
