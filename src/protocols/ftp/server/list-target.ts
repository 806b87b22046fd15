/**
 * What the path of a LIST, NLST or `STAT path` names: a file or a directory, or, when its last
 * component holds wildcards, the matching entries of a directory.
 */

import { stat } from 'node:fs/promises';
import { GlobPattern, splitWildcardPath } from '../codec/glob-pattern.js';
import { type ArgResult, ok } from '../codec/reply.js';
import type { FtpJail, JailPath } from './ftp-jail.js';

/** What a LIST, NLST or STAT path names: a file or directory, or a directory's matches. */
export interface ListTarget {
  readonly path: JailPath;
  /** The wildcard pattern the directory's entries must match. */
  readonly pattern?: GlobPattern;
  /** The directory part as the client wrote it (`pub/`), for the names NLST sends. */
  readonly dir?: string;
}

/**
 * Resolves a LIST, NLST or STAT path. As vsftpd does, the path is first taken as written (a file
 * may be called `a[1].txt`); when nothing has that name and its last component holds wildcards,
 * it names the entries of its directory that match. Only the last component is expanded, inside
 * the jail, and links out of the root are left out of the listing like any other.
 *
 * @param jail The user's jail.
 * @param cwd The working directory (virtual).
 * @param path The path argument, `ls` options already stripped.
 * @returns The target, or the jail's 550 when neither the path nor a pattern's directory exists.
 * @example
 * await resolveListTarget(jail, '/', 'pub/*.txt'); // { ok: true, value: { path: /pub, pattern, dir: 'pub/' } }
 */
export async function resolveListTarget(
  jail: FtpJail,
  cwd: string,
  path: string,
): Promise<ArgResult<ListTarget>> {
  const found = await jail.existing(cwd, path);
  if (found.ok) return ok({ path: found.value });
  const split = splitWildcardPath(path);
  if (split === null) return found;
  const dir = await jail.existing(cwd, split.dir);
  if (!dir.ok) return found;
  const st = await stat(dir.value.real).catch(() => null);
  if (st === null || !st.isDirectory()) return found;
  return ok({ path: dir.value, pattern: GlobPattern.parse(split.pattern), dir: split.dir });
}

/**
 * The virtual path a listing names, for logs and STAT: the directory, then any pattern.
 *
 * @param target The resolved target.
 * @returns E.g. `/pub/*.txt`.
 * @example
 * listTargetPath({ path: { virtual: '/pub', real }, pattern }); // '/pub/*.txt'
 */
export function listTargetPath(target: ListTarget): string {
  const { path, pattern } = target;
  if (pattern === undefined) return path.virtual;
  return `${path.virtual === '/' ? '' : path.virtual}/${pattern.source}`;
}
