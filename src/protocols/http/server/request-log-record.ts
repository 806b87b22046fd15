/**
 * The record a server hands `observer.request()` for each exchange: the Combined Log Format line
 * and the same facts as fields, for structured logs and the status page's counters.
 */
import { isUtf8 } from 'node:buffer';
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

/**
 * What the capture keeps of a request beyond its log record: the target as sent, the header
 * fields, the body's size and its first bytes (as many as the server samples), as UTF-8 text
 * or, when they are not text, base64. Too much for a log line; the observer's `request` hook
 * takes it as its second argument.
 *
 * @param request the request.
 * @returns `{ target, headers, bodyBytes, body?, bodyEncoding?, bodyTruncated? }`.
 * @example observer.request?.(requestLogRecord(…), requestDetail(request));
 */
export function requestDetail(request: HttpRequest): Record<string, unknown> {
  const body = request.body;
  const detail: Record<string, unknown> = {
    target: request.target,
    // The headers object is immutable once parsed: kept as is, turned to JSON when read.
    headers: request.headers,
    bodyBytes: body.received,
  };
  const sample = body.sample;
  if (sample.length > 0) {
    const text = isUtf8(sample) ? sample.toString('utf8') : null;
    detail.body = text ?? sample.toString('base64');
    if (text === null) detail.bodyEncoding = 'base64';
    if (body.received > sample.length) detail.bodyTruncated = true;
  }
  return detail;
}
