/**
 * `FtpJail`: the file-system side of the FTP root. The pure path functions keep `..` inside the
 * virtual tree; this class adds what needs the disk — `realpath()` checks, so that no symbolic
 * link inside the tree can lead a user out of it.
 */

import { lstat, readlink, realpath } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { type ArgResult, fail, ok } from '../codec/reply.js';
import {
  checkCreatableName,
  isInsideRoot,
  resolveVirtualPath,
  virtualToRealPath,
} from '../codec/virtual-path.js';

/** A path a command names, in both trees. */
export interface JailPath {
  /** The normalised virtual path the user sees, e.g. `/pub/a.txt`. */
  readonly virtual: string;
  /** The real path on disk (symbolic links resolved for existing paths). */
  readonly real: string;
}

/**
 * Maps command arguments onto one user's real root and refuses any path whose real location is
 * outside it. Existing paths are checked with `realpath()`; for a path still to be created the
 * parent directory is checked, and an existing last component too (it may be a link).
 *
 * @example
 * const jail = await FtpJail.open('/srv/ftp');
 * const found = await jail.existing('/', '../etc/passwd'); // { ok: false, reply: 550 } or inside
 */
export class FtpJail {
  /** The real root directory (itself resolved with `realpath()`). */
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * Opens a jail on a directory.
   *
   * @param root The root directory; it must exist.
   * @returns The jail.
   * @throws {Error} The file system's error when the root cannot be resolved (`ENOENT`).
   * @example
   * const jail = await FtpJail.open('/srv/ftp');
   */
  static async open(root: string): Promise<FtpJail> {
    return new FtpJail(await realpath(nodePath.resolve(root)));
  }

  /**
   * Resolves an argument to an existing file or directory inside the jail.
   *
   * @param cwd The working directory (virtual).
   * @param arg The command's argument (`''`: the working directory).
   * @returns The path, or 550 when it does not exist or its real location is outside the root.
   * @example
   * await jail.existing('/pub', 'a.txt'); // { ok: true, value: { virtual: '/pub/a.txt', … } }
   */
  async existing(cwd: string, arg: string): Promise<ArgResult<JailPath>> {
    const v = resolveVirtualPath(cwd, arg);
    if (!v.ok) return v;
    const mapped = virtualToRealPath(this.root, v.value);
    let real: string;
    try {
      real = await realpath(mapped);
    } catch {
      return fail(550, 'No such file or directory.');
    }
    if (!isInsideRoot(this.root, real)) return fail(550, 'No such file or directory.');
    return ok({ virtual: v.value, real });
  }

  /**
   * Resolves an argument to a name that may not exist yet (STOR, MKD, RNTO): the parent must be
   * an existing directory inside the jail; if the name exists and is a symbolic link, what it
   * points to must be inside as well.
   *
   * A name holding a control character is refused with `refusal` (see `checkCreatableName`).
   *
   * @param cwd The working directory (virtual).
   * @param arg The command's argument.
   * @param refusal The code for a name not allowed: 553 (STOR, APPE, STOU, RNTO) or 550 (MKD).
   * @returns The path (its real form is the real parent joined with the name), or 550/553.
   * @example
   * await jail.creatable('/', 'new.txt'); // { ok: true, value: { virtual: '/new.txt', … } }
   */
  async creatable(
    cwd: string,
    arg: string,
    refusal: 550 | 553 = 553,
  ): Promise<ArgResult<JailPath>> {
    const v = resolveVirtualPath(cwd, arg);
    if (!v.ok) return v;
    const allowed = checkCreatableName(v.value, refusal);
    if (!allowed.ok) return allowed;
    if (v.value === '/') return fail(550, 'Cannot use the root directory here.');
    const parent = await this.existing('/', nodePath.posix.dirname(v.value));
    if (!parent.ok) return fail(550, 'No such directory.');
    const name = nodePath.posix.basename(v.value);
    const real = nodePath.join(parent.value.real, name);
    try {
      const st = await lstat(real);
      if (st.isSymbolicLink()) {
        // A link that leads out must not be written through; a dangling one is replaced.
        const target = await realpath(real).catch(() => null);
        if (target !== null && !isInsideRoot(this.root, target)) {
          return fail(550, 'Permission denied.');
        }
      }
    } catch {
      // does not exist yet: fine
    }
    return ok({ virtual: v.value, real });
  }

  /**
   * Turns a real path inside the jail back into the virtual path a user sees.
   *
   * @param real A real path inside the root.
   * @returns The virtual path, `/` for the root.
   * @throws {RangeError} If `real` is outside the root.
   * @example
   * jail.toVirtual('/srv/ftp/pub'); // '/pub'
   */
  toVirtual(real: string): string {
    if (!isInsideRoot(this.root, real)) throw new RangeError(`${real} is outside the jail`);
    const rel = nodePath.relative(this.root, real);
    return rel === '' ? '/' : `/${rel.split(nodePath.sep).join('/')}`;
  }
}

/**
 * Tells whether a symbolic link leads outside a root: what it resolves to, or, for a dangling
 * link, its text resolved from the link's directory. Listings leave such links out, as RETR and
 * CWD treat them as missing: showing one would give away its target's type, size and time.
 *
 * @param root The real root directory.
 * @param link The real path of the link itself (its directory already resolved).
 * @returns `true` if the link (or a link it leads through) ends outside `root`, or cannot be read.
 * @example
 * await leadsOutOfRoot('/srv/ftp', '/srv/ftp/pub/passwd'); // true for a link to /etc/passwd
 */
export async function leadsOutOfRoot(root: string, link: string): Promise<boolean> {
  const target = await realpath(link).catch(() => null);
  if (target !== null) return !isInsideRoot(root, target);
  const text = await readlink(link).catch(() => null);
  return text === null || !isInsideRoot(root, nodePath.resolve(nodePath.dirname(link), text));
}
