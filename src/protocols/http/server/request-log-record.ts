/**
 * The record a server hands `observer.request()` for each exchange: the Combined Log Format line
 * and the same facts as fields, for structured logs and the status page's counters.
 */
import { formatAccessLogLine } from './access-log.js';
import type { HttpRequest } from './http-request.js';

/** Where the request came from when it could not be parsed (no `HttpRequest` exists). */
export interface UnparsedOrigin {
  readonly remoteAddress: string;
  /** When the failure was noticed, in clock milliseconds. */
  readonly at: number;
}

/**
 * Builds the log record of one answered request.
 *
 * @param request The request, or where a request that could not be parsed came from.
 * @param status The status sent.
 * @param bytes Body bytes sent.
 * @param peer The connection, as `peerText()` formats it.
 * @param now The clock's time now, for the duration.
 * @returns `{ msg: 'request', line, status, bytes, peer, ... }`.
 * @example
 * observer.request?.(requestLogRecord(request, 200, 512, '127.0.0.1:5000', clock.now()));
 */
export function requestLogRecord(
  request: HttpRequest | UnparsedOrigin,
  status: number,
  bytes: number,
  peer: string,
  now: number,
): Record<string, unknown> {
  if (!('method' in request)) {
    const line = formatAccessLogLine(
      {
        remoteAddress: request.remoteAddress,
        date: new Date(request.at),
        requestLine: '-',
        status,
        bytes,
      },
      'combined',
    );
    return { msg: 'request', line, status, bytes, peer };
  }
  const referer = request.headers.get('referer');
  const userAgent = request.headers.get('user-agent');
  const user = request.user;
  const line = formatAccessLogLine(
    {
      remoteAddress: request.remoteAddress,
      date: new Date(request.receivedAt),
      requestLine: request.requestLine,
      status,
      bytes,
      ...(user !== undefined ? { user } : {}),
      ...(referer !== undefined ? { referer } : {}),
      ...(userAgent !== undefined ? { userAgent } : {}),
    },
    'combined',
  );
  return {
    msg: 'request',
    line,
    status,
    method: request.method,
    path: request.path,
    bytes,
    peer,
    duration: now - request.receivedAt,
    ...(user !== undefined ? { user } : {}),
  };
}
