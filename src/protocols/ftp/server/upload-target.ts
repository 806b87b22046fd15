/**
 * Where an upload is written, and how it is put in place. A new file is written under a
 * temporary name in the same directory and renamed over the final name only once complete, so a
 * cut upload never stands under the final name looking whole.
 */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, rename, unlink } from 'node:fs/promises';
import * as nodePath from 'node:path';

/** Which command is uploading. */
export type UploadKind = 'STOR' | 'APPE' | 'STOU';

/** An open upload: write to `fd` at `position`, then `commit()` or `discard()`. */
export interface UploadTarget {
  /** The open file descriptor. */
  readonly fd: number;
  /** Where the first byte goes, or `null` to append. */
  readonly position: number | null;
  /** The real path the upload ends up at. */
  readonly finalPath: string;
  /** Closes the file and puts it in place. */
  commit(): Promise<void>;
  /**
   * Closes the file after a failure. Without `keepPartial` the upload leaves no trace: a new
   * file is removed, an appended or resumed one cut back to its size before the command. With
   * it (a client that will resume with REST) the bytes received stay under the final name.
   */
  discard(keepPartial: boolean): Promise<void>;
}

/** A refusal with the FTP reply code to send. */
export class UploadError extends Error {
  /** The reply code (550, 553, 554). */
  readonly code: number;

  /**
   * @param code The reply code.
   * @param message The reply text.
   */
  constructor(code: number, message: string) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

function tempName(finalPath: string): string {
  const dir = nodePath.dirname(finalPath);
  const base = nodePath.basename(finalPath);
  // Hidden and unmistakable, so a listing or a mirror tool does not take it for the file.
  return nodePath.join(dir, `.${base}.part-${randomBytes(6).toString('hex')}`);
}

async function viaTemp(finalPath: string): Promise<UploadTarget> {
  const temp = tempName(finalPath);
  const handle = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  return {
    fd: handle.fd,
    position: 0,
    finalPath,
    async commit() {
      await handle.close();
      await rename(temp, finalPath);
    },
    async discard(keepPartial) {
      await handle.close().catch(() => {});
      if (keepPartial) await rename(temp, finalPath).catch(() => unlink(temp).catch(() => {}));
      else await unlink(temp).catch(() => {});
    },
  };
}

/**
 * An upload into an existing file (APPE, STOR after REST). A failed one is cut back to `kept`,
 * the size the client knew before the command, unless partial uploads are kept for a resume:
 * bytes of a cut transfer must not stand in the file as if they had arrived whole.
 */
function inPlace(
  handle: FileHandle,
  finalPath: string,
  position: number | null,
  kept: number,
): UploadTarget {
  return {
    fd: handle.fd,
    position,
    finalPath,
    commit: () => handle.close(),
    async discard(keepPartial) {
      if (!keepPartial) await handle.truncate(kept).catch(() => {});
      await handle.close().catch(() => {});
    },
  };
}

/**
 * Opens the target of an upload.
 *
 * - `STOR` without REST: a new temporary file, renamed over `finalPath` on completion.
 * - `STOR` after `REST n` (resume): the existing file, cut to `n` bytes, written from `n`.
 * - `APPE`: the existing file, appended to; a missing file is created as STOR would.
 * - `STOU`: `finalPath` or, if taken, `finalPath.1`, `.2`, … (the reply names the one used).
 *
 * @param kind The command.
 * @param finalPath The real path the upload is for.
 * @param rest The REST offset (0: none).
 * @returns The open target.
 * @throws {UploadError} 554 for a REST offset past the end; the file system's error otherwise.
 * @example
 * const target = await openUpload('STOR', '/srv/ftp/a.txt', 0);
 */
export async function openUpload(
  kind: UploadKind,
  finalPath: string,
  rest: number,
): Promise<UploadTarget> {
  if (kind === 'STOU') {
    let candidate = finalPath;
    for (let n = 1; await exists(candidate); n++) {
      if (n > 9999) throw new UploadError(553, 'Could not find a unique file name.');
      candidate = `${finalPath}.${n}`;
    }
    return viaTemp(candidate);
  }
  const present = await exists(finalPath);
  if (kind === 'APPE' && present) {
    const handle = await open(finalPath, constants.O_WRONLY | constants.O_APPEND);
    return inPlace(handle, finalPath, null, (await handle.stat()).size);
  }
  if (kind === 'STOR' && rest > 0) {
    if (!present) throw new UploadError(554, 'Invalid REST parameter: the file does not exist.');
    const handle = await open(finalPath, constants.O_WRONLY);
    const size = (await handle.stat()).size;
    if (rest > size) {
      await handle.close();
      throw new UploadError(554, `Invalid REST parameter: the file has ${size} bytes.`);
    }
    await handle.truncate(rest);
    return inPlace(handle, finalPath, rest, rest);
  }
  return viaTemp(finalPath);
}
