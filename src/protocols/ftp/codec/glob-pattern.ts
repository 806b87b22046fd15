/**
 * `GlobPattern`: the wildcards clients put in the last component of a LIST, NLST or STAT path
 * (`mget *.txt` sends `NLST *.txt`). Pure string work: the server lists the directory and keeps
 * the names that match.
 */

/** Options for {@link GlobPattern.parse}. */
export interface GlobOptions {
  /**
   * Most steps one match may take before it gives up and counts as no match (default 10,000):
   * patterns like `*a*a*a*…b` cost time in the product of their length and the name's. vsftpd
   * caps its matcher the same way (`VSFTP_MATCHITERS_MAX`, after CVE-2011-0762).
   */
  readonly maxSteps?: number;
}

type Token =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | {
      readonly kind: 'set';
      readonly negate: boolean;
      readonly ranges: ReadonlyArray<readonly [string, string]>;
    };

/**
 * Tells whether text holds a wildcard: `*`, `?` or `[`.
 *
 * @param text A path component.
 * @returns `true` if it holds one.
 * @example
 * hasWildcard('*.txt'); // true
 * hasWildcard('notes.txt'); // false
 */
export function hasWildcard(text: string): boolean {
  return /[*?[]/.test(text);
}

/**
 * Splits a LIST or NLST path whose last component holds wildcards into the directory part (as
 * written, `''` for the working directory, with its trailing `/`) and the pattern.
 *
 * @param path The path argument, options already stripped.
 * @returns The parts, or `null` when the last component has no wildcard, is empty, or an
 *   earlier component has one (only the last component is expanded, as vsftpd does).
 * @example
 * splitWildcardPath('pub/*.txt'); // { dir: 'pub/', pattern: '*.txt' }
 * splitWildcardPath('*.txt'); // { dir: '', pattern: '*.txt' }
 * splitWildcardPath('a?/b.txt'); // null
 */
export function splitWildcardPath(path: string): { dir: string; pattern: string } | null {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const pattern = path.slice(slash + 1);
  if (pattern === '' || !hasWildcard(pattern) || hasWildcard(dir)) return null;
  return { dir, pattern };
}

/**
 * A shell-style pattern for one file name: `*` matches any run of characters, `?` one
 * character, `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) one character of (or not of) a set; a `]`
 * right after the opening `[` (or its `!`) is part of the set, and a `[` that is never closed
 * matches itself. As in the shell (`FNM_PERIOD`), a name starting with `.` is matched only by
 * a pattern starting with a literal `.`, so `*` does not pick hidden files. Case matters.
 *
 * @example
 * const p = GlobPattern.parse('report-[0-9]?.txt');
 * p.matches('report-12.txt'); // true
 * p.matches('report-x1.txt'); // false
 */
export class GlobPattern {
  /** The pattern as given. */
  readonly source: string;
  readonly #tokens: readonly Token[];
  readonly #maxSteps: number;

  private constructor(source: string, tokens: readonly Token[], maxSteps: number) {
    this.source = source;
    this.#tokens = tokens;
    this.#maxSteps = maxSteps;
  }

  /**
   * Parses a pattern. Every string is a valid pattern.
   *
   * @param pattern The pattern, e.g. `*.txt`.
   * @param options The step limit.
   * @returns The pattern.
   * @throws {RangeError} If `maxSteps` is not a positive integer.
   * @example
   * GlobPattern.parse('*.txt').matches('a.txt'); // true
   */
  static parse(pattern: string, options: GlobOptions = {}): GlobPattern {
    const maxSteps = options.maxSteps ?? 10_000;
    if (!Number.isInteger(maxSteps) || maxSteps < 1) {
      throw new RangeError(`maxSteps must be a positive integer, got ${maxSteps}`);
    }
    const chars = Array.from(pattern);
    const tokens: Token[] = [];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string;
      if (c === '*') {
        // A run of stars matches what one does, and one keeps the matcher linear.
        if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      } else if (c === '?') {
        tokens.push({ kind: 'any' });
      } else if (c === '[') {
        const set = parseSet(chars, i + 1);
        if (set === null) tokens.push({ kind: 'char', char: c });
        else {
          tokens.push(set.token);
          i = set.end;
        }
      } else {
        tokens.push({ kind: 'char', char: c });
      }
    }
    return new GlobPattern(pattern, tokens, maxSteps);
  }

  /**
   * Tells whether a file name matches the whole pattern.
   *
   * @param name A file name (no `/`).
   * @returns `true` on a match; `false` otherwise, and when the step limit runs out.
   */
  matches(name: string): boolean {
    const s = Array.from(name);
    const tokens = this.#tokens;
    const first = tokens[0];
    if (s[0] === '.' && !(first?.kind === 'char' && first.char === '.')) return false;
    // Two pointers with one backtrack point, the last star: enough, since every other token
    // matches exactly one character.
    let p = 0;
    let i = 0;
    let starP = -1;
    let starI = 0;
    let steps = 0;
    while (i < s.length) {
      if (++steps > this.#maxSteps) return false;
      const t = tokens[p];
      if (t?.kind === 'star') {
        starP = p;
        starI = i;
        p += 1;
      } else if (t !== undefined && matchOne(t, s[i] as string)) {
        p += 1;
        i += 1;
      } else if (starP !== -1) {
        p = starP + 1;
        starI += 1;
        i = starI;
      } else {
        return false;
      }
    }
    while (tokens[p]?.kind === 'star') p += 1;
    return p === tokens.length;
  }
}

function matchOne(t: Token, c: string): boolean {
  if (t.kind === 'char') return t.char === c;
  if (t.kind === 'any') return true;
  if (t.kind === 'star') return false;
  const inSet = t.ranges.some(([from, to]) => from <= c && c <= to);
  return inSet !== t.negate;
}

/** Reads a `[...]` set whose body starts at `start`; `null` when it is never closed. */
function parseSet(chars: readonly string[], start: number): { token: Token; end: number } | null {
  let i = start;
  const negate = chars[i] === '!' || chars[i] === '^';
  if (negate) i += 1;
  const ranges: Array<readonly [string, string]> = [];
  const bodyStart = i;
  for (; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === ']' && i > bodyStart) return { token: { kind: 'set', negate, ranges }, end: i };
    const to = chars[i + 2];
    if (chars[i + 1] === '-' && to !== undefined && to !== ']') {
      ranges.push([c, to]);
      i += 2;
    } else {
      ranges.push([c, c]);
    }
  }
  return null;
}
