/**
 * The virtual file tree a user sees (`/` is their root) and its mapping onto a real directory.
 * Pure string work: the server adds the realpath/symlink checks that need the file system.
 */

import * as nodePath from 'node:path';
import { type ArgResult, fail, ok } from './reply.js';

/** Options for {@link resolveVirtualPath}. */
export interface ResolveOptions {
  /** The user's home directory as a virtual path (default `/`): what `~` stands for. */
  readonly home?: string;
}

/** Folds `.`, `..` and empty segments; `..` at the root stays at the root. */
function normalise(segments: readonly string[], into: string[]): void {
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') into.pop();
    else into.push(s);
  }
}

/**
 * Resolves a command's path argument against the working directory into a normalised absolute
 * virtual path: `.` and empty segments vanish, `..` climbs but never above `/`, a leading `~`
 * (alone or as `~/…`) means the home directory. `~user` is an ordinary name.
 *
 * @param cwd The working directory (a virtual path; normalised here too).
 * @param arg The argument; `''` means the working directory.
 * @param options The home directory.
 * @returns The path, always starting with `/` and never holding `.` or `..` segments, or a 501
 *   reply if the argument contains NUL (no file system can name it, and C code would cut there).
 * @example
 * resolveVirtualPath('/pub', '../etc/./passwd'); // { ok: true, value: '/etc/passwd' }
 * resolveVirtualPath('/', '../../..'); // { ok: true, value: '/' }
 */
export function resolveVirtualPath(
  cwd: string,
  arg: string,
  options: ResolveOptions = {},
): ArgResult<string> {
  if (arg.includes('\0') || cwd.includes('\0')) return fail(501, 'Path contains a NUL byte.');
  const out: string[] = [];
  let rest = arg;
  if (rest === '~' || rest.startsWith('~/')) {
    normalise((options.home ?? '/').split('/'), out);
    rest = rest.slice(1);
  } else if (!rest.startsWith('/')) {
    normalise(cwd.split('/'), out);
  }
  normalise(rest.split('/'), out);
  return ok(`/${out.join('/')}`);
}

/**
 * Maps a virtual path onto the real directory tree rooted at `root`. The virtual path is
 * normalised again here, so even an unnormalised argument cannot climb out of the root.
 *
 * @param root The real root directory (absolute).
 * @param virtual A virtual path such as `/pub/a.txt`.
 * @returns The real path under `root`.
 * @throws {TypeError} If `root` is not absolute or `virtual` contains NUL.
 * @throws {RangeError} If a segment holds this platform's separator (a backslash on Windows)
 *   and the result would leave `root`.
 * @example
 * virtualToRealPath('/srv/ftp', '/pub/../pub/a.txt'); // '/srv/ftp/pub/a.txt'
 */
export function virtualToRealPath(root: string, virtual: string): string {
  if (!nodePath.isAbsolute(root)) throw new TypeError(`root must be absolute, got ${root}`);
  if (virtual.includes('\0')) throw new TypeError('virtual path contains a NUL byte');
  const segments: string[] = [];
  normalise(virtual.split('/'), segments);
  const real = nodePath.join(root, ...segments);
  if (!isInsideRoot(root, real)) {
    throw new RangeError(`virtual path ${JSON.stringify(virtual)} leaves the root`);
  }
  return real;
}

/** C0 controls and DEL: bytes a file name should never hold. */
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/**
 * Checks a path the client asks to create (STOR, APPE, STOU, MKD, RNTO). A name holding a
 * control character (0x00–0x1f, 0x7f) is refused: a CR or LF from a sloppy client makes
 * `README.txt\r`, which no one can type afterwards, and raw controls reach terminals through
 * listings. vsftpd refuses such names as well; RFC 959 gives 553 for STOR, APPE, STOU and RNTO,
 * while MKD may only answer 550.
 *
 * @param path The resolved virtual path.
 * @param code The reply code for a refusal: 553 (file name not allowed) or 550 (MKD).
 * @returns The path, or the refusal.
 * @example
 * checkCreatableName('/README.txt\r', 553); // { ok: false, reply: { code: 553, … } }
 * checkCreatableName('/incoming/a.txt', 553); // { ok: true, value: '/incoming/a.txt' }
 */
export function checkCreatableName(path: string, code: 550 | 553): ArgResult<string> {
  if (CONTROL_CHARACTER.test(path)) {
    return fail(code, 'File name not allowed: it contains a control character.');
  }
  return ok(path);
}

/**
 * Tells whether a real path is the root or below it; the server uses it on the result of
 * `realpath()` to refuse symlinks that point out of the tree.
 *
 * @param root The real root directory.
 * @param real A real path.
 * @returns `true` if `real` is `root` or inside it.
 * @example
 * isInsideRoot('/srv/ftp', '/srv/ftp-other/x'); // false
 */
export function isInsideRoot(root: string, real: string): boolean {
  const rel = nodePath.relative(nodePath.resolve(root), nodePath.resolve(real));
  return (
    rel === '' ||
    (!rel.startsWith(`..${nodePath.sep}`) && rel !== '..' && !nodePath.isAbsolute(rel))
  );
}

/**
 * Quotes a pathname for a 257 reply (RFC 959 appendix II): in double quotes, with each `"`
 * inside doubled.
 *
 * @param path The virtual path.
 * @returns The quoted path.
 * @example
 * quotePathname('/say "hi"'); // '"/say ""hi"""'
 */
export function quotePathname(path: string): string {
  return `"${path.replace(/"/g, '""')}"`;
}

/**
 * Reads the pathname from a 257 reply's text (the client side, after PWD or MKD).
 *
 * @param text The reply text, e.g. `"/say ""hi""" is the current directory`.
 * @returns The pathname with doubled quotes undone.
 * @throws {SyntaxError} If the text does not start with a quoted pathname.
 * @example
 * parsePathnameReply('"/pub" is the current directory'); // '/pub'
 */
export function parsePathnameReply(text: string): string {
  const m = /^\s*"((?:[^"]|"")*)"/.exec(text);
  if (!m) throw new SyntaxError(`no quoted pathname in 257 reply: ${JSON.stringify(text)}`);
  return (m[1] ?? '').replace(/""/g, '"');
}
