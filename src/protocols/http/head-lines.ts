/**
 * Parsers for the lines of a message head (RFC 9112 sections 3, 4 and 5): the request line, the
 * status line and one field line. Each works on a Buffer slice without its CRLF and walks bytes
 * through lookup tables; they throw {@link ParseFailure}, which the message parsers report.
 */

import type { HttpVersion } from './body-framing.js';
import { FIELD_VALUE_BYTE, TARGET_BYTE, TOKEN_BYTE } from './field-syntax.js';
import { ParseFailure } from './parse-failure.js';

const SP = 0x20;
const HTAB = 0x09;
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
 * @param line The line without its CRLF.
 * @returns The method, target and version.
 * @throws {ParseFailure} 400 for bad syntax; 505 for a well-formed version other than 1.0/1.1.
 */
export function parseRequestLine(line: Buffer): RequestLine {
  const sp1 = line.indexOf(SP);
  if (sp1 <= 0) throw new ParseFailure(400, 'Malformed request line');
  const sp2 = line.indexOf(SP, sp1 + 1);
  if (sp2 === -1 || sp2 === sp1 + 1) throw new ParseFailure(400, 'Malformed request line');
  for (let i = 0; i < sp1; i++) {
    if (TOKEN_BYTE[line[i]!] !== 1) throw new ParseFailure(400, 'Invalid method');
  }
  for (let i = sp1 + 1; i < sp2; i++) {
    if (TARGET_BYTE[line[i]!] !== 1) throw new ParseFailure(400, 'Invalid request target');
  }
  const version = parseVersion(line, sp2 + 1, line.length, 505);
  return {
    method: line.toString('latin1', 0, sp1),
    target: line.toString('latin1', sp1 + 1, sp2),
    version,
  };
}

/**
 * Parses `HTTP-version SP status-code SP [reason-phrase]`; a missing SP before an empty reason
 * is tolerated because common servers send `HTTP/1.1 200` alone.
 *
 * @param line The line without its CRLF.
 * @returns The version, status and reason.
 * @throws {ParseFailure} For bad syntax or an unsupported version.
 */
export function parseStatusLine(line: Buffer): StatusLine {
  if (line.length < 12 || line[8] !== SP) throw new ParseFailure(502, 'Malformed status line');
  const version = parseVersion(line, 0, 8, 502);
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = line[i]! - 0x30;
    if (d < 0 || d > 9) throw new ParseFailure(502, 'Malformed status code');
    status = status * 10 + d;
  }
  if (status < 100) throw new ParseFailure(502, 'Malformed status code');
  if (line.length > 12 && line[12] !== SP) throw new ParseFailure(502, 'Malformed status line');
  for (let i = 13; i < line.length; i++) {
    if (FIELD_VALUE_BYTE[line[i]!] !== 1) throw new ParseFailure(502, 'Invalid reason phrase');
  }
  return { version, status, reason: line.length > 13 ? line.toString('latin1', 13) : '' };
}

/**
 * Parses `field-name ":" OWS field-value OWS` and appends name and value to `flat`.
 *
 * @param line The line without its CRLF; it must not start with SP/HTAB (obs-fold is the
 *   caller's decision).
 * @param flat The `name, value, ...` array being built.
 * @throws {ParseFailure} 400 for a missing colon, whitespace before it, a non-token name or a
 *   control character in the value.
 */
export function parseFieldLine(line: Buffer, flat: string[]): void {
  const colon = line.indexOf(COLON);
  if (colon === -1) throw new ParseFailure(400, 'Missing colon in field line');
  if (colon === 0) throw new ParseFailure(400, 'Empty field name');
  for (let i = 0; i < colon; i++) {
    if (TOKEN_BYTE[line[i]!] !== 1) {
      const b = line[i]!;
      throw new ParseFailure(
        400,
        b === SP || b === HTAB ? 'Whitespace before colon' : 'Invalid field name',
      );
    }
  }
  let start = colon + 1;
  let end = line.length;
  while (start < end && (line[start] === SP || line[start] === HTAB)) start++;
  while (end > start && (line[end - 1] === SP || line[end - 1] === HTAB)) end--;
  for (let i = start; i < end; i++) {
    if (FIELD_VALUE_BYTE[line[i]!] !== 1) throw new ParseFailure(400, 'Invalid field value');
  }
  flat.push(line.toString('latin1', 0, colon), line.toString('latin1', start, end));
}

/**
 * Returns the value bytes of an obs-fold continuation line, trimmed, for a recipient that
 * replaces the fold with a space (RFC 9112 5.2, what a user agent must do).
 *
 * @param line A line starting with SP or HTAB.
 * @returns The trimmed continuation text.
 * @throws {ParseFailure} For a control character in it.
 */
export function parseFoldedValue(line: Buffer): string {
  let start = 0;
  let end = line.length;
  while (start < end && (line[start] === SP || line[start] === HTAB)) start++;
  while (end > start && (line[end - 1] === SP || line[end - 1] === HTAB)) end--;
  for (let i = start; i < end; i++) {
    if (FIELD_VALUE_BYTE[line[i]!] !== 1) throw new ParseFailure(502, 'Invalid field value');
  }
  return line.toString('latin1', start, end);
}

/** Parses `HTTP/x.y` in `line[start, end)`; `unsupported` is the status for other versions. */
function parseVersion(line: Buffer, start: number, end: number, unsupported: number): HttpVersion {
  const malformed = unsupported === 505 ? 400 : unsupported;
  if (
    end - start !== 8 ||
    line[start] !== 0x48 ||
    line[start + 1] !== 0x54 ||
    line[start + 2] !== 0x54 ||
    line[start + 3] !== 0x50 ||
    line[start + 4] !== 0x2f ||
    line[start + 6] !== 0x2e
  ) {
    throw new ParseFailure(malformed, 'Malformed HTTP version');
  }
  const major = line[start + 5]! - 0x30;
  const minor = line[start + 7]! - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) {
    throw new ParseFailure(malformed, 'Malformed HTTP version');
  }
  if (major === 1 && minor === 1) return '1.1';
  if (major === 1 && minor === 0) return '1.0';
  throw new ParseFailure(unsupported, 'HTTP version not supported');
}
