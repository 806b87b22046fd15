/**
 * `framedResponseHead()`: a server's final response head and the framing it commits the
 * response to — status line, `Date`/`Server`, the handler's fields, prepared lines, and the
 * framing fields the server writes itself.
 */
import type { BodyKind, HttpVersion } from './body-framing.js';
import { fieldLine, responseHeadText } from './encode-head.js';
import { decideResponseFraming, isFramingField } from './response-framing.js';

/** What a response head needs to know of the request it answers. */
export interface AnsweredRequest {
  readonly version: HttpVersion;
  readonly method: string;
}

/** A final head's text and what it commits the response to. */
export interface FramedHead {
  /** The head, CRLF CRLF included. */
  readonly text: string;
  /** How the body is framed. */
  readonly kind: BodyKind;
  /** Whether the connection stays open after the response. */
  readonly keepAlive: boolean;
  /** The declared body length (`kind` 'length'), else null. */
  readonly declared: number | null;
}

/**
 * Whether a head for `length` is framed by `Content-Length` on a persistent HTTP/1.1 exchange
 * that may have a body: the common case, decided as `decideResponseFraming()` would decide it,
 * without its arrays and objects.
 *
 * @param request The request answered.
 * @param status The status code.
 * @param keepAlive Whether the response keeps the connection so far.
 * @param length The body length, or null when unknown.
 * @returns Whether the fast framing applies.
 * @example lengthFramed({ version: '1.1', method: 'GET' }, 200, true, 14); // true
 */
export function lengthFramed(
  request: AnsweredRequest,
  status: number,
  keepAlive: boolean,
  length: number | null,
): boolean {
  return (
    length !== null &&
    keepAlive &&
    request.version === '1.1' &&
    request.method !== 'HEAD' &&
    status !== 204 &&
    status !== 304 &&
    Number.isSafeInteger(length) &&
    length >= 0
  );
}

/**
 * Makes a final response head. Framing fields among `fields` are dropped (the server writes its
 * own); a `Connection` field asking to close makes the response close the connection. The text
 * is a pure function of the arguments, so a cache may keep it for equal arguments.
 *
 * @param request The request answered (its version and method).
 * @param status A final status (200-999).
 * @param reason The reason phrase, or undefined for the standard one.
 * @param common The `Date` and `Server` lines.
 * @param fields Field names and values, alternating, checked when they were set.
 * @param prepared Prepared field lines sent after them.
 * @param keepAlive Whether the response keeps the connection so far.
 * @param length The body length, or null when unknown.
 * @returns The head and its framing.
 * @throws {RangeError} For a status that is not a final one.
 * @throws {TypeError} For a reason with control characters.
 * @example
 * framedResponseHead({ version: '1.1', method: 'GET' }, 200, undefined, '', [], '', true, 2).text;
 * // 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'
 */
export function framedResponseHead(
  request: AnsweredRequest,
  status: number,
  reason: string | undefined,
  common: string,
  fields: readonly string[],
  prepared: string,
  keepAlive: boolean,
  length: number | null,
): FramedHead {
  if (!Number.isInteger(status) || status < 200 || status > 999) {
    throw new RangeError(`a final status must be an integer from 200 to 999, got ${status}`);
  }
  let lines = common;
  let open = keepAlive;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (isFramingField(name)) {
      // A handler may ask to close; the server writes the Connection field itself.
      if (name.length === 10 && /(^|[\s,])close($|[\s,])/i.test(value)) open = false;
      continue;
    }
    lines += fieldLine(name, value);
  }
  lines += prepared;
  if (lengthFramed(request, status, open, length)) {
    return {
      text: responseHeadText(
        status,
        reason,
        '1.1',
        lines + fieldLine('Content-Length', String(length)),
      ),
      kind: 'length',
      keepAlive: open,
      declared: length,
    };
  }
  const framing = decideResponseFraming({
    requestVersion: request.version,
    method: request.method,
    status,
    contentLength: length,
    keepAlive: open,
  });
  for (const [name, value] of framing.headers) lines += fieldLine(name, value);
  return {
    text: responseHeadText(status, reason, '1.1', lines),
    kind: framing.kind,
    keepAlive: framing.keepAlive,
    declared: framing.kind === 'length' ? length : null,
  };
}
