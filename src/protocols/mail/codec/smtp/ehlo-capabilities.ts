/** What a server's EHLO reply says it supports (RFC 5321 §4.1.1.1). */

/** The parsed EHLO reply. */
export interface EhloCapabilities {
  /** The server's name from the first line. */
  readonly domain: string;
  /** Keyword (upper-cased) → its parameters, e.g. `SIZE` → `['33554432']`, `AUTH` → `['PLAIN']`. */
  readonly extensions: ReadonlyMap<string, readonly string[]>;
  /** The SIZE limit, `null` if none or unlimited (`SIZE` or `SIZE 0`). */
  readonly maxSize: number | null;
  /** AUTH mechanisms, upper-cased. */
  readonly authMechanisms: readonly string[];
}

/**
 * Parses the lines of a 250 reply to EHLO (as from `SmtpReplyParser`). Lines that are not
 * `keyword *(SP param)` are skipped, as clients must tolerate them.
 *
 * @param lines The reply's text lines, greeting first.
 * @returns The domain and the extensions.
 * @throws {SyntaxError} If there are no lines.
 * @example
 * parseEhloCapabilities(['mx.example.test', 'SIZE 1000', 'AUTH PLAIN LOGIN']).authMechanisms;
 * // ['PLAIN', 'LOGIN']
 */
export function parseEhloCapabilities(lines: readonly string[]): EhloCapabilities {
  const [first, ...rest] = lines;
  if (first === undefined) throw new SyntaxError('EHLO reply has no lines');
  const extensions = new Map<string, string[]>();
  for (const line of rest) {
    const [keyword = '', ...params] = line.trim().split(/ +/);
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(keyword)) continue;
    extensions.set(keyword.toUpperCase(), params);
  }
  const size = extensions.get('SIZE')?.[0];
  const maxSize =
    size !== undefined && /^\d{1,15}$/.test(size) && Number(size) > 0 ? Number(size) : null;
  const authMechanisms = (extensions.get('AUTH') ?? []).map((m) => m.toUpperCase());
  return { domain: first.trim().split(' ')[0] ?? '', extensions, maxSize, authMechanisms };
}
