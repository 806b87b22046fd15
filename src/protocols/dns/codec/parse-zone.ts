/**
 * The RFC 1035 §5 master-file parser: `$ORIGIN`, `$TTL` (RFC 2308), `$INCLUDE` through an
 * injected reader, `@`, relative names, omitted owner/TTL/class, parentheses, comments, quoted
 * strings and `\DDD` escapes.
 */
import { classFromString, RRClass, RRType, typeFromString } from './constants.js';
import { ZoneSyntaxError } from './errors.js';
import { normalizeName } from './name.js';
import type { DnsRecord } from './rdata.js';
import { parseRdataText, parseTtl, resolveName } from './rdata-text.js';
import { lexZone, type ZoneEntry } from './zone-lexer.js';

/** Options for {@link parseZone}. */
export interface ParseZoneOptions {
  /** The initial origin (`$ORIGIN` may change it); relative names are completed with it. */
  readonly origin: string;
  /** The class every record must have (default IN). */
  readonly class?: number;
  /** TTL for records that give none, before any `$TTL` (default: none, which is an error). */
  readonly defaultTtl?: number;
  /** File name used in error messages. */
  readonly file?: string;
  /**
   * Returns the text of a file named by `$INCLUDE`. Without it `$INCLUDE` is refused, so a zone
   * file cannot make the parser read files the caller did not allow.
   */
  readonly include?: (path: string) => string;
  /** Deepest `$INCLUDE` nesting (default 8), to stop include loops. */
  readonly maxIncludeDepth?: number;
}

interface State {
  origin: string;
  defaultTtl: number | undefined;
  lastTtl: number | undefined;
  lastOwner: string | undefined;
  soaMinimum: number | undefined;
}

/**
 * Parses master-file text into records, in file order.
 *
 * @param text the zone file's text.
 * @param options the origin, class, `$INCLUDE` reader and limits.
 * @returns the records, names absolute and normalised.
 * @throws {ZoneSyntaxError} naming the file and line of the first error.
 * @example
 * const records = parseZone('$TTL 300\n@ IN A 127.0.0.1\n', { origin: 'example.test' });
 */
export function parseZone(text: string, options: ParseZoneOptions): DnsRecord[] {
  let origin: string;
  try {
    origin = normalizeName(options.origin);
  } catch (error) {
    throw new ZoneSyntaxError(`bad origin: ${(error as Error).message}`, 1, options.file);
  }
  const state: State = {
    origin,
    defaultTtl: options.defaultTtl,
    lastTtl: undefined,
    lastOwner: undefined,
    soaMinimum: undefined,
  };
  const out: DnsRecord[] = [];
  parseInto(text, options, options.file, state, out, 0);
  return out;
}

function parseInto(
  text: string,
  options: ParseZoneOptions,
  file: string | undefined,
  state: State,
  out: DnsRecord[],
  depth: number,
): void {
  for (const entry of lexZone(text, file)) {
    try {
      const first = entry.tokens[0]!;
      if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) {
        directive(entry, options, state, out, depth);
      } else {
        out.push(record(entry, options, state));
      }
    } catch (error) {
      if (error instanceof ZoneSyntaxError) throw error;
      if (error instanceof RangeError || error instanceof TypeError) {
        throw new ZoneSyntaxError(error.message, entry.line, file);
      }
      throw error;
    }
  }
}

function directive(
  entry: ZoneEntry,
  options: ParseZoneOptions,
  state: State,
  out: DnsRecord[],
  depth: number,
): void {
  const [first, ...args] = entry.tokens.map((t) => t.text);
  const word = first!.toUpperCase();
  if (word === '$ORIGIN') {
    if (args.length !== 1) throw new RangeError('$ORIGIN needs one name');
    state.origin = resolveName(args[0]!, state.origin);
  } else if (word === '$TTL') {
    const ttl = args.length === 1 ? parseTtl(args[0]!) : undefined;
    if (ttl === undefined || ttl > 0x7fffffff) throw new RangeError('$TTL needs one TTL');
    state.defaultTtl = ttl;
  } else if (word === '$INCLUDE') {
    if (options.include === undefined) throw new RangeError('$INCLUDE is not allowed here');
    if (args.length < 1 || args.length > 2) throw new RangeError('$INCLUDE needs a file name');
    if (depth >= (options.maxIncludeDepth ?? 8)) throw new RangeError('$INCLUDE nested too deep');
    // RFC 1035 §5.1: the included file has its own origin; the parent's is restored after.
    const inner: State = {
      ...state,
      origin: args[1] === undefined ? state.origin : resolveName(args[1], state.origin),
    };
    parseInto(options.include(args[0]!), options, args[0], inner, out, depth + 1);
    state.lastTtl = inner.lastTtl;
    state.soaMinimum = inner.soaMinimum;
  } else {
    throw new RangeError(`unsupported directive ${first}`);
  }
}

function record(entry: ZoneEntry, options: ParseZoneOptions, state: State): DnsRecord {
  const tokens = entry.tokens;
  let i = 0;
  let owner: string;
  if (entry.blankOwner) {
    if (state.lastOwner === undefined) throw new RangeError('no owner name yet to repeat');
    owner = state.lastOwner;
  } else {
    if (tokens[0]!.quoted) throw new RangeError('an owner name cannot be quoted');
    owner = resolveName(tokens[0]!.text, state.origin);
    i = 1;
  }
  state.lastOwner = owner;
  const zoneClass = options.class ?? RRClass.IN;
  let ttl: number | undefined;
  let klass: number | undefined;
  let type: number | undefined;
  // TTL and class may come in either order before the type (RFC 1035 §5.1).
  for (; i < tokens.length && type === undefined; i++) {
    const t = tokens[i]!;
    if (t.quoted) throw new RangeError(`expected a type, got "${t.text}"`);
    if (ttl === undefined && /^\d/.test(t.text)) {
      ttl = parseTtl(t.text);
      if (ttl === undefined || ttl > 0x7fffffff) throw new RangeError(`bad TTL ${t.text}`);
    } else if (klass === undefined && classFromString(t.text) !== undefined) {
      klass = classFromString(t.text);
    } else {
      type = typeFromString(t.text);
      if (type === undefined) throw new RangeError(`unknown type ${t.text}`);
    }
  }
  if (type === undefined) throw new RangeError('missing type');
  if (klass !== undefined && klass !== zoneClass)
    throw new RangeError('record class differs from the zone');
  if (type === RRType.OPT || type === RRType.ANY || type === RRType.AXFR || type === RRType.IXFR) {
    throw new RangeError('this type cannot appear in a zone');
  }
  const data = parseRdataText(type, tokens.slice(i), state.origin);
  if (data.kind === 'SOA') state.soaMinimum = data.minimum;
  if (ttl !== undefined) state.lastTtl = ttl;
  // $TTL first (RFC 2308), then the last explicit TTL (RFC 1035), then the SOA minimum (BIND 8).
  const resolved = ttl ?? state.defaultTtl ?? state.lastTtl ?? state.soaMinimum;
  if (resolved === undefined) throw new RangeError('no TTL given and no $TTL before it');
  return { name: owner, type, class: zoneClass, ttl: resolved, data };
}
