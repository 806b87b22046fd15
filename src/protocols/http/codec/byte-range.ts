/**
 * `Range` and `If-Range` for single byte ranges (RFC 9110 sections 14.1-14.2 and 13.1.5).
 *
 * Choice: only one range is served. A request for several ranges gets the whole representation
 * with 200, which RFC 9110 14.2 allows ("a server MAY ignore the Range header field"); it spares
 * us multipart/byteranges and the amplification that overlapping ranges invite.
 */
import { tryParseHttpDate } from './http-date.js';

/** The outcome of {@link parseRange}. */
export type RangeResult =
  /** Serve the whole representation with 200 (no Range, not bytes, malformed, or several). */
  | { readonly type: 'full' }
  /** Serve bytes `start..end` (inclusive) with 206 and this Content-Range. */
  | {
      readonly type: 'partial';
      readonly start: number;
      readonly end: number;
      readonly length: number;
      readonly contentRange: string;
    }
  /** Answer 416 with this Content-Range (`bytes *\/size`). */
  | { readonly type: 'unsatisfiable'; readonly contentRange: string };

const SPEC = /^(\d*)-(\d*)$/;

/**
 * Evaluates a `Range` field against a representation of `size` bytes.
 *
 * @param header The Range field value, or `undefined` when absent.
 * @param size The representation's length in bytes.
 * @returns `full`, `partial` with the bytes to send, or `unsatisfiable`.
 * @throws {RangeError} When `size` is not a non-negative safe integer.
 * @example
 * parseRange('bytes=0-99', 1000); // { type: 'partial', start: 0, end: 99, length: 100, ... }
 * parseRange('bytes=-100', 1000); // the last 100 bytes: start 900, end 999
 * parseRange('bytes=5000-', 1000); // { type: 'unsatisfiable', contentRange: 'bytes *\/1000' }
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`size must be a non-negative integer, got ${size}`);
  }
  if (header === undefined) return { type: 'full' };
  const eq = header.indexOf('=');
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { type: 'full' };
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length !== 1) return { type: 'full' };
  const m = SPEC.exec(specs[0]!);
  if (m === null || (m[1] === '' && m[2] === '')) return { type: 'full' };
  const unsatisfiable = { type: 'unsatisfiable', contentRange: `bytes */${size}` } as const;
  // Absurdly long numbers are clamped rather than parsed; they are past any real size anyway.
  const first = m[1] === '' ? null : toNumber(m[1]!);
  const last = m[2] === '' ? null : toNumber(m[2]!);
  let start: number;
  let end: number;
  if (first === null) {
    if (last === 0 || size === 0) return unsatisfiable;
    start = Math.max(0, size - last!);
    end = size - 1;
  } else {
    if (last !== null && last < first) return { type: 'full' };
    if (first >= size) return unsatisfiable;
    start = first;
    end = last === null ? size - 1 : Math.min(last, size - 1);
  }
  return {
    type: 'partial',
    start,
    end,
    length: end - start + 1,
    contentRange: `bytes ${start}-${end}/${size}`,
  };
}

/**
 * Tells whether a Range may be honoured given `If-Range` (RFC 9110 13.1.5): the validator must
 * match the current representation, else the whole of it is sent. An entity-tag must match
 * strongly, so a weak ETag never does; a date must equal Last-Modified exactly.
 *
 * @param ifRange The If-Range value, or `undefined` when absent (then ranges are honoured).
 * @param etag The current ETag, e.g. `W/"1f-5e0"`, or `undefined`.
 * @param lastModified The current Last-Modified, or `undefined`.
 * @returns `true` to honour the Range, `false` to send 200 with the whole representation.
 * @example
 * evaluateIfRange('"abc"', '"abc"', undefined); // true
 * evaluateIfRange('W/"abc"', 'W/"abc"', undefined); // false: weak tags never match strongly
 */
export function evaluateIfRange(
  ifRange: string | undefined,
  etag: string | undefined,
  lastModified: Date | undefined,
): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    return (
      etag !== undefined && !value.startsWith('W/') && !etag.startsWith('W/') && value === etag
    );
  }
  const date = tryParseHttpDate(value);
  if (date === null || lastModified === undefined) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 === date.getTime();
}

function toNumber(digits: string): number {
  return digits.length > 15 ? Number.MAX_SAFE_INTEGER : Number(digits);
}
