/**
 * The finger query line of RFC 1288 section 2.3:
 *
 *   {Q1} ::= [{W}|{W}{S}{U}]{C}          list users, or one user
 *   {Q2} ::= [{W}{S}][{U}]{H}{C}         ask this host to finger another
 *   {H}  ::= @hostname | @hostname{H}    {W} ::= /W    {S} ::= one or more spaces
 */

/** What a client asked for. */
export type FingerQuery =
  /** `{C}` or `/W{C}`: the users on this host. */
  | { readonly type: 'list'; readonly verbose: boolean }
  /** `user{C}` or `/W user{C}`: one user (a login or part of a real name). */
  | { readonly type: 'user'; readonly verbose: boolean; readonly user: string }
  /**
   * `[user]@host[@host...]{C}`: a forwarding request. `user` is empty to list users there;
   * `hosts` are in the order written; the server forwards to the last (rightmost) one, RFC 1288 2.5.5.
   */
  | {
      readonly type: 'forward';
      readonly verbose: boolean;
      readonly user: string;
      readonly hosts: readonly string[];
    };

/** Why a query was not accepted; each has a fixed reply text. */
export type FingerRefusalReason =
  /** Longer than `maxQueryLength`. */
  | 'too-long'
  /** A control character or a byte outside printable ASCII. */
  | 'bad-character'
  /** Not of the RFC 1288 form (an unknown switch, two names, an empty host name). */
  | 'syntax'
  /** The connection ended before a query was sent. */
  | 'incomplete';

/** A query that will not be answered, with a message safe to send (it never echoes input). */
export interface FingerRefusal {
  readonly type: 'refused';
  readonly reason: FingerRefusalReason;
  readonly message: string;
}

/** What {@link parseQuery} and {@link FingerQueryReader} give. */
export type FingerParseResult = FingerQuery | FingerRefusal;

/** Options for parsing a finger query. */
export interface FingerQueryOptions {
  /** Longest query accepted, in bytes, without its line ending (default 512). */
  readonly maxQueryLength?: number;
}

/** RFC 1288 sets no limit; 512 is far more than any real user or host chain needs. */
export const DEFAULT_MAX_QUERY_LENGTH = 512;

/**
 * Builds a refusal. The message is fixed per reason (or chosen by the parser), so that no
 * client byte is ever echoed back.
 *
 * @param reason Why the query is refused.
 * @param message A more precise fixed message, if the parser has one.
 * @returns The refusal.
 * @throws Never.
 * @example
 * refusal('too-long'); // { type: 'refused', reason: 'too-long', message: 'query too long' }
 */
export function refusal(reason: FingerRefusalReason, message?: string): FingerRefusal {
  return { type: 'refused', reason, message: message ?? REFUSAL_MESSAGES[reason] };
}

const REFUSAL_MESSAGES: Readonly<Record<FingerRefusalReason, string>> = {
  'too-long': 'query too long',
  'bad-character': 'query holds a control or non-ASCII character',
  syntax: 'query not understood',
  incomplete: 'no query received',
};

/** Printable ASCII, space and TAB: anything else in a query is refused. */
const ALLOWED = /^[\t\x20-\x7e]*$/;
/** Host names and address literals (`[::1]`); finger has no business with anything else. */
const HOST = /^[A-Za-z0-9._:[\]-]+$/;

/**
 * Reads the option for the longest query.
 *
 * @param options The parser options.
 * @returns The limit in bytes, 512 when not given.
 * @throws {RangeError} If it is not a positive integer.
 * @example
 * maxQueryLength({}); // 512
 */
export function maxQueryLength(options: FingerQueryOptions): number {
  const max = options.maxQueryLength ?? DEFAULT_MAX_QUERY_LENGTH;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`maxQueryLength must be a positive integer, got ${max}`);
  }
  return max;
}

/**
 * Parses one finger query line (RFC 1288 section 2.3). Words may be separated by spaces or tabs;
 * `/W` may be written `/w`. A trailing CRLF or LF, if present, is ignored, so the line can come
 * from a line splitter or straight off the wire.
 *
 * @param line The query, as received bytes (read as Latin-1, so a byte 0xFF stays visible and
 *   is refused) or as a string.
 * @param options The length limit.
 * @returns The query, or a refusal saying why it is not answered.
 * @throws {RangeError} If `maxQueryLength` is not a positive integer.
 * @example
 * parseQuery('/W alice'); // { type: 'user', verbose: true, user: 'alice' }
 * parseQuery('bob@example.org'); // { type: 'forward', verbose: false, user: 'bob', hosts: ['example.org'] }
 */
export function parseQuery(
  line: string | Uint8Array,
  options: FingerQueryOptions = {},
): FingerParseResult {
  const max = maxQueryLength(options);
  let text = typeof line === 'string' ? line : Buffer.from(line).toString('latin1');
  if (text.endsWith('\r\n')) text = text.slice(0, -2);
  else if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text.length > max) return refusal('too-long');
  if (!ALLOWED.test(text)) return refusal('bad-character');

  const words = text.split(/[ \t]+/).filter((word) => word !== '');
  let verbose = false;
  if (words[0] === '/W' || words[0] === '/w') {
    verbose = true;
    words.shift();
  }
  if (words.length === 0) return { type: 'list', verbose };
  if (words.length > 1) return refusal('syntax', 'one user name at most');
  const word = words[0] ?? '';
  if (word.startsWith('/')) return refusal('syntax', 'unknown switch; only /W is known');

  const at = word.indexOf('@');
  if (at === -1) return { type: 'user', verbose, user: word };
  const hosts = word.slice(at + 1).split('@');
  if (!hosts.every((host) => HOST.test(host))) return refusal('syntax', 'bad host name');
  return { type: 'forward', verbose, user: word.slice(0, at), hosts };
}
