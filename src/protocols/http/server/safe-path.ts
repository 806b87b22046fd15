/**
 * Turns a request-target into a path that cannot leave a served directory.
 */

/** A target mapped to a root-relative path. */
export interface SafePath {
  readonly ok: true;
  /** Decoded segments joined with `/`, no leading slash; `''` is the root itself. */
  readonly path: string;
  /** The decoded segments. */
  readonly segments: readonly string[];
  /** Whether the target's path ended in `/` (a directory was asked for). */
  readonly trailingSlash: boolean;
  /** The query string without `?`, still percent-encoded; `''` when absent. */
  readonly query: string;
}

/** A target refused, with a reason for the log; answer 400 (or 404 to reveal nothing). */
export interface UnsafePath {
  readonly ok: false;
  readonly reason: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * Maps an origin-form (or absolute-form) target to a safe relative path. The path is
 * percent-decoded exactly once; `..` segments (also as `%2e%2e`), encoded `/` or `\`
 * (`%2f`, `%5c`), a literal `\`, NUL and other control characters, and malformed escapes or
 * UTF-8 are refused, so the result can be joined to a root without escaping it. Empty and `.`
 * segments are dropped.
 *
 * @param target The request-target as received.
 * @returns `{ ok: true, path, segments, trailingSlash, query }` or `{ ok: false, reason }`.
 * @example
 * targetToSafePath('/docs/a%20b.txt?x=1'); // { ok: true, path: 'docs/a b.txt', query: 'x=1', ... }
 * targetToSafePath('/%2e%2e/etc/passwd'); // { ok: false, reason: 'dot-dot segment' }
 */
export function targetToSafePath(target: string): SafePath | UnsafePath {
  let rest = target;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const query = q === -1 ? '' : rest.slice(q + 1);
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  if (rawPath.charCodeAt(0) !== 0x2f) return { ok: false, reason: 'not an absolute path' };
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslash' };
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    const segment = decodeSegment(raw);
    if (typeof segment !== 'string') return { ok: false, reason: segment.reason };
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: 'dot-dot segment' };
    segments.push(segment);
  }
  return {
    ok: true,
    path: segments.join('/'),
    segments,
    trailingSlash: rawPath.endsWith('/'),
    query,
  };
}

function decodeSegment(raw: string): string | { reason: string } {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return { reason: 'malformed percent-escape' };
      const b = Number.parseInt(hex, 16);
      if (b === 0x2f || b === 0x5c) return { reason: 'encoded slash or backslash' };
      bytes.push(b);
      i += 2;
    } else if (c > 0x7f) {
      // Already-decoded text (a caller passing a decoded path): take its UTF-8 bytes.
      bytes.push(...Buffer.from(String.fromCodePoint(raw.codePointAt(i)!), 'utf8'));
      if (c >= 0xd800 && c <= 0xdbff) i++;
    } else {
      bytes.push(c);
    }
  }
  let text: string;
  try {
    text = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return { reason: 'invalid UTF-8' };
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return { reason: c === 0 ? 'NUL byte' : 'control character' };
  }
  return text;
}
