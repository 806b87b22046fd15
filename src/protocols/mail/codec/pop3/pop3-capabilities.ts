/** The body of a POP3 CAPA response (RFC 2449 §5). */

/** The parsed capabilities. */
export interface Pop3Capabilities {
  /** Tag (upper-cased) → its arguments, e.g. `SASL` → `['PLAIN']`. */
  readonly tags: ReadonlyMap<string, readonly string[]>;
  /** SASL mechanisms, upper-cased. */
  readonly saslMechanisms: readonly string[];
  /** Whether STLS, USER, TOP, UIDL and PIPELINING are listed. */
  readonly stls: boolean;
  readonly user: boolean;
  readonly top: boolean;
  readonly uidl: boolean;
  readonly pipelining: boolean;
}

/**
 * Parses the body of a CAPA response (as text or as the `data` chunks joined). Blank or
 * malformed lines are skipped.
 *
 * @param body The lines between `+OK` and the final dot.
 * @returns The capabilities.
 * @example
 * parsePop3Capabilities('TOP\r\nSASL PLAIN\r\nSTLS\r\n').stls; // true
 */
export function parsePop3Capabilities(body: string | Buffer): Pop3Capabilities {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const tags = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const [tag = '', ...args] = line.trim().split(/ +/);
    if (/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(tag)) tags.set(tag.toUpperCase(), args);
  }
  return {
    tags,
    saslMechanisms: (tags.get('SASL') ?? []).map((m) => m.toUpperCase()),
    stls: tags.has('STLS'),
    user: tags.has('USER'),
    top: tags.has('TOP'),
    uidl: tags.has('UIDL'),
    pipelining: tags.has('PIPELINING'),
  };
}
