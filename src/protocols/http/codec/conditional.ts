/**
 * Conditional requests for static files (RFC 9110 section 13): ETag generation and the
 * evaluation of If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since.
 */

import { tryParseHttpDate } from './http-date.js';
import type { HeaderLookup } from './http-headers.js';

/** The outcome of {@link evaluateConditionals}. */
export type ConditionalResult = 'proceed' | 'not-modified' | 'precondition-failed';

/** The current representation's validators. */
export interface Validators {
  /** The ETag, e.g. from {@link weakEtag}. */
  readonly etag: string;
  /** Last modification time; compared at one-second precision, as HTTP dates carry. */
  readonly lastModified: Date;
}

/**
 * Builds a weak ETag from a file's size and modification time: cheap (no hashing) and weak
 * because two different contents could share both within a second.
 *
 * @param size The size in bytes.
 * @param mtimeMs The modification time in milliseconds since the epoch.
 * @returns E.g. `W/"5-18f0e1a2b3c"`.
 * @throws {RangeError} For a negative or non-finite size or time.
 * @example
 * weakEtag(5, 1700000000000); // 'W/"5-18bcfe56800"'
 */
export function weakEtag(size: number, mtimeMs: number): string {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isFinite(mtimeMs) || mtimeMs < 0) {
    throw new RangeError('size and mtimeMs must be non-negative numbers');
  }
  return `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/**
 * Evaluates the preconditions in the order RFC 9110 13.2.2 prescribes: If-Match (strong
 * comparison) or else If-Unmodified-Since can fail with 412; then If-None-Match (weak
 * comparison) gives 304 for GET/HEAD and 412 otherwise; If-Modified-Since is only consulted for
 * GET/HEAD without If-None-Match. Invalid dates are ignored, as the RFC requires.
 *
 * @param method The request method.
 * @param headers The request fields (an `HttpHeaders`).
 * @param current The representation's ETag and Last-Modified.
 * @returns `proceed`, `not-modified` (answer 304) or `precondition-failed` (answer 412).
 * @example
 * const etag = weakEtag(5, 0);
 * evaluateConditionals('GET', HttpHeaders.from([['If-None-Match', etag]]), {
 *   etag, lastModified: new Date(0),
 * }); // 'not-modified'
 */
export function evaluateConditionals(
  method: string,
  headers: HeaderLookup,
  current: Validators,
): ConditionalResult {
  const safe = method === 'GET' || method === 'HEAD';
  const modified = Math.floor(current.lastModified.getTime() / 1000) * 1000;
  const ifMatch = headers.get('if-match');
  if (ifMatch !== undefined) {
    if (!matches(ifMatch, current.etag, true)) return 'precondition-failed';
  } else {
    const since = headers.get('if-unmodified-since');
    const date = since === undefined ? null : tryParseHttpDate(since.trim());
    if (date !== null && modified > date.getTime()) return 'precondition-failed';
  }
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch !== undefined) {
    if (matches(ifNoneMatch, current.etag, false)) {
      return safe ? 'not-modified' : 'precondition-failed';
    }
  } else if (safe) {
    const since = headers.get('if-modified-since');
    const date = since === undefined ? null : tryParseHttpDate(since.trim());
    if (date !== null && modified <= date.getTime()) return 'not-modified';
  }
  return 'proceed';
}

/** Whether an `*` or entity-tag list matches `etag`, by strong or weak comparison (8.8.3.2). */
function matches(list: string, etag: string, strong: boolean): boolean {
  if (list.trim() === '*') return true;
  const current = opaque(etag);
  if (strong && etag.startsWith('W/')) return false;
  for (const tag of entityTags(list)) {
    if (strong && tag.startsWith('W/')) continue;
    if (opaque(tag) === current) return true;
  }
  return false;
}

/** Splits an entity-tag list; commas inside quotes belong to the tag. Malformed members drop. */
function entityTags(list: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < list.length) {
    while (i < list.length && (list[i] === ' ' || list[i] === '\t' || list[i] === ',')) i++;
    const start = i;
    if (list.startsWith('W/', i)) i += 2;
    if (list[i] !== '"') {
      while (i < list.length && list[i] !== ',') i++;
      continue;
    }
    const close = list.indexOf('"', i + 1);
    if (close === -1) break;
    out.push(list.slice(start, close + 1));
    i = close + 1;
  }
  return out;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
