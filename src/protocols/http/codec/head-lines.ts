/**
 * Parsers for the lines of a message head (RFC 9112 sections 3, 4 and 5): the request line, the
 * status line and field lines. The head is decoded once as Latin-1 text (one byte, one char) and
 * each line is parsed in place by offsets, so no Buffer or string is made per line beyond the
 * names and values kept. Each throws {@link ParseFailure}, which the message parsers report.
 */
import type { HttpVersion } from './body-framing.js';
import { FIELD_VALUE_BYTE, TARGET_BYTE, TOKEN_BYTE } from './field-syntax.js';
import { ParseFailure } from './parse-failure.js';

const SP = 0x20;
const HTAB = 0x09;
const CR = 0x0d;
const COLON = 0x3a;

/** The three parts of a request line. */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly version: HttpVersion;
}

/** The parts of a status line. */
export interface StatusLine {
  readonly version: HttpVersion;
  readonly status: number;
  readonly reason: string;
}

/**
 * Parses `method SP request-target SP HTTP-version`, with exactly one SP between parts.
 *
 * @param text Latin-1 text holding the line.
 * @param start Offset of the line's first char.
 * @param end Offset just past the line (before its CRLF).
 * @returns The method, target and version.
 * @throws {ParseFailure} 400 for bad syntax; 505 for a well-formed version other than 1.0/1.1.
 * @example
 * const text = 'GET /a HTTP/1.1';
 * parseRequestLine(text, 0, text.length); // { method: 'GET', target: '/a', version: '1.1' }
 */
export function parseRequestLine(text: string, start: number, end: number): RequestLine {
  const sp1 = text.indexOf(' ', start);
  if (sp1 <= start || sp1 >= end) throw new ParseFailure(400, badLine(text, start, end));
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 === -1 || sp2 >= end || sp2 === sp1 + 1) {
    throw new ParseFailure(400, badLine(text, start, end));
  }
  for (let i = start; i < sp1; i++) {
    if (TOKEN_BYTE[text.charCodeAt(i)] !== 1) throw fail(text, i, 'Invalid method');
  }
  for (let i = sp1 + 1; i < sp2; i++) {
    if (TARGET_BYTE[text.charCodeAt(i)] !== 1) throw fail(text, i, 'Invalid request target');
  }
  const version = parseVersion(text, sp2 + 1, end, 505);
  // Most requests are GETs: the literal saves a copy, and later compares with 'GET' are cheaper
  // against the one interned string.
  const method =
    sp1 - start === 3 && text.startsWith('GET', start) ? 'GET' : text.slice(start, sp1);
  return { method, target: text.slice(sp1 + 1, sp2), version };
}

/**
 * Parses `HTTP-version SP status-code SP [reason-phrase]`; a missing SP before an empty reason
 * is tolerated because common servers send `HTTP/1.1 200` alone.
 *
 * @param text Latin-1 text holding the line.
 * @param start Offset of the line's first char.
 * @param end Offset just past the line.
 * @returns The version, status and reason.
 * @throws {ParseFailure} For bad syntax or an unsupported version.
 * @example
 * const text = 'HTTP/1.1 404 Not Found';
 * parseStatusLine(text, 0, text.length); // { version: '1.1', status: 404, reason: 'Not Found' }
 */
export function parseStatusLine(text: string, start: number, end: number): StatusLine {
  if (end - start < 12 || text.charCodeAt(start + 8) !== SP) {
    throw new ParseFailure(502, 'Malformed status line');
  }
  const version = parseVersion(text, start, start + 8, 502);
  let status = 0;
  for (let i = start + 9; i < start + 12; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw new ParseFailure(502, 'Malformed status code');
    status = status * 10 + d;
  }
  if (status < 100) throw new ParseFailure(502, 'Malformed status code');
  if (end > start + 12 && text.charCodeAt(start + 12) !== SP) {
    throw new ParseFailure(502, 'Malformed status line');
  }
  for (let i = start + 13; i < end; i++) {
    if (FIELD_VALUE_BYTE[text.charCodeAt(i)] !== 1) throw fail(text, i, 'Invalid reason phrase');
  }
  return { version, status, reason: end > start + 13 ? text.slice(start + 13, end) : '' };
}

/**
 * Parses `field-name ":" OWS field-value OWS` and appends name and value to `flat`.
 *
 * @param text Latin-1 text holding the line.
 * @param start Offset of the line's first char (not SP/HTAB: obs-fold is the caller's call).
 * @param end Offset just past the line.
 * @param flat The `name, value, ...` array being built.
 * @throws {ParseFailure} 400 for a missing colon, whitespace before it, a non-token name or a
 *   control character in the value.
 * @example
 * const flat: string[] = [];
 * parseFieldLine('Host:  a ', 0, 9, flat); // flat is now ['Host', 'a']
 */
export function parseFieldLine(text: string, start: number, end: number, flat: string[]): void {
  let colon = start;
  for (; colon < end; colon++) {
    const c = text.charCodeAt(colon);
    if (TOKEN_BYTE[c] === 1) continue;
    if (c === COLON) break;
    if (c === SP || c === HTAB) {
      const later = text.indexOf(':', colon);
      const hasColon = later !== -1 && later < end;
      throw new ParseFailure(
        400,
        hasColon ? 'Whitespace before colon' : 'Missing colon in field line',
      );
    }
    throw fail(text, colon, 'Invalid field name');
  }
  if (colon === end) throw new ParseFailure(400, 'Missing colon in field line');
  if (colon === start) throw new ParseFailure(400, 'Empty field name');
  const [from, to] = trimmed(text, colon + 1, end, 400);
  flat.push(text.slice(start, colon), text.slice(from, to));
}

/**
 * Returns the text of an obs-fold continuation line, trimmed, for a recipient that replaces the
 * fold with a space (RFC 9112 5.2, what a user agent must do).
 *
 * @param text Latin-1 text holding the line.
 * @param start Offset of the line's first char (SP or HTAB).
 * @param end Offset just past the line.
 * @returns The trimmed continuation text.
 * @throws {ParseFailure} For a control character in it.
 * @example
 * parseFoldedValue(' \t more ', 0, 8); // 'more'
 */
export function parseFoldedValue(text: string, start: number, end: number): string {
  const [from, to] = trimmed(text, start, end, 502);
  return text.slice(from, to);
}

/** Validates a field value between OWS and returns its trimmed bounds. */
function trimmed(text: string, start: number, end: number, status: number): [number, number] {
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) {
    if (FIELD_VALUE_BYTE[text.charCodeAt(i)] !== 1) {
      throw text.charCodeAt(i) === CR
        ? new ParseFailure(400, 'Bare CR')
        : new ParseFailure(status, 'Invalid field value');
    }
  }
  return [start, end];
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/** A failure at `text[i]`, reported as a bare CR when that is what the byte is. */
function fail(text: string, i: number, reason: string): ParseFailure {
  return new ParseFailure(400, text.charCodeAt(i) === CR ? 'Bare CR' : reason);
}

function badLine(text: string, start: number, end: number): string {
  const cr = text.indexOf('\r', start);
  return cr !== -1 && cr < end ? 'Bare CR' : 'Malformed request line';
}

/** Parses `HTTP/x.y` in `text[start, end)`; `unsupported` is the status for other versions. */
function parseVersion(text: string, start: number, end: number, unsupported: number): HttpVersion {
  const malformed = unsupported === 505 ? 400 : unsupported;
  if (
    end - start !== 8 ||
    !text.startsWith('HTTP/', start) ||
    text.charCodeAt(start + 6) !== 0x2e
  ) {
    const cr = text.indexOf('\r', start);
    throw new ParseFailure(
      malformed,
      cr !== -1 && cr < end && unsupported === 505 ? 'Bare CR' : 'Malformed HTTP version',
    );
  }
  const major = text.charCodeAt(start + 5) - 0x30;
  const minor = text.charCodeAt(start + 7) - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) {
    throw new ParseFailure(malformed, 'Malformed HTTP version');
  }
  if (major === 1 && minor === 1) return '1.1';
  if (major === 1 && minor === 0) return '1.0';
  throw new ParseFailure(unsupported, 'HTTP version not supported');
}
