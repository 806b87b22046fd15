/**
 * Presentation text → typed rdata, for the zone-file parser (RFC 1035 §5.1, RFC 3597 §5).
 */

import { parseIPv4, parseIPv6 } from '../../../socket/inet.js';
import { RRType, typeToString } from './constants.js';
import { DnsFormatError } from './errors.js';
import { normalizeName } from './name.js';
import { decodeRdata, type RData } from './rdata.js';
import { WireReader } from './wire-reader.js';
import type { ZoneToken } from './zone-lexer.js';

/**
 * Resolves a name as written in a zone file: `@` is the origin, a name ending in `.` is
 * absolute, anything else is relative to the origin.
 *
 * @param text the token's text.
 * @param origin the current origin (normalised).
 * @returns the normalised absolute name.
 * @throws {RangeError} for a malformed name.
 * @example
 * resolveName('www', 'example.test'); // 'www.example.test'
 */
export function resolveName(text: string, origin: string): string {
  if (text === '@') return origin;
  let backslashes = 0;
  for (let i = text.length - 2; i >= 0 && text[i] === '\\'; i--) backslashes++;
  const absolute = text.endsWith('.') && backslashes % 2 === 0;
  if (absolute) return normalizeName(text);
  return normalizeName(origin === '.' ? `${text}.` : `${text}.${origin}.`);
}

/**
 * Reads a character-string's escapes: `\DDD` is a byte, `\X` is X, other text is UTF-8.
 *
 * @param text the raw token text.
 * @returns the bytes.
 * @throws {RangeError} for a `\DDD` above 255.
 * @example
 * unescapeString('a\\034b'); // <Buffer 61 22 62>
 */
export function unescapeString(text: string): Buffer {
  if (!text.includes('\\')) return Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const digits = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        const v = Number(digits);
        if (v > 255) throw new RangeError(`\\${digits} is not a byte`);
        out.push(v);
        i += 3;
        continue;
      }
      i++;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
  }
  return Buffer.from(out);
}

/**
 * Parses a TTL or SOA timer: plain seconds, or BIND's units (`1h30m`, `2w`).
 *
 * @param text the token.
 * @returns the seconds, or `undefined` when `text` is not a TTL.
 * @example
 * parseTtl('1h30m'); // 5400
 */
export function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    return v <= 0xffffffff ? v : undefined;
  }
  if (!/^(?:\d+[wdhms])+$/i.test(text)) return undefined;
  const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([wdhms])/gi))
    total += Number(n) * unit[u!.toLowerCase()]!;
  return total <= 0xffffffff ? total : undefined;
}

/**
 * Parses the rdata tokens of one record.
 *
 * @param type the record type.
 * @param tokens the tokens after the type.
 * @param origin the origin for relative names.
 * @returns the typed rdata (`unknown` for types polyport does not model).
 * @throws {RangeError} with a message naming the problem; the zone parser adds the line.
 * @example
 * parseRdataText(RRType.MX, [{ text: '10', quoted: false }, { text: 'mail', quoted: false }], 'example.test');
 */
export function parseRdataText(type: number, tokens: readonly ZoneToken[], origin: string): RData {
  const texts = tokens.map((t) => t.text);
  if (tokens[0]?.text === '\\#' && !tokens[0].quoted) return parseGeneric(type, texts.slice(1));
  const need = (n: number): void => {
    if (tokens.length !== n) {
      throw new RangeError(`${typeToString(type)} needs ${n} rdata fields, got ${tokens.length}`);
    }
  };
  const name = (i: number): string => resolveName(texts[i]!, origin);
  switch (type) {
    case RRType.A: {
      need(1);
      if (parseIPv4(texts[0]!) === null) throw new RangeError(`bad IPv4 address ${texts[0]}`);
      return { kind: 'A', address: texts[0]! };
    }
    case RRType.AAAA: {
      need(1);
      const bytes = parseIPv6(texts[0]!);
      if (bytes === null) throw new RangeError(`bad IPv6 address ${texts[0]}`);
      return decodeRdata(new WireReader(Buffer.from(bytes)), RRType.AAAA);
    }
    case RRType.NS:
      need(1);
      return { kind: 'NS', target: name(0) };
    case RRType.CNAME:
      need(1);
      return { kind: 'CNAME', target: name(0) };
    case RRType.PTR:
      need(1);
      return { kind: 'PTR', target: name(0) };
    case RRType.MX:
      need(2);
      return { kind: 'MX', preference: integer(texts[0]!, 0xffff), exchange: name(1) };
    case RRType.TXT: {
      if (tokens.length === 0) throw new RangeError('TXT needs at least one string');
      const strings = texts.map(unescapeString);
      if (strings.some((s) => s.length > 255)) throw new RangeError('TXT string over 255 bytes');
      return { kind: 'TXT', strings };
    }
    case RRType.SOA: {
      need(7);
      const timer = (i: number): number => {
        const v = parseTtl(texts[i]!);
        if (v === undefined) throw new RangeError(`bad SOA timer ${texts[i]}`);
        return v;
      };
      return {
        kind: 'SOA',
        mname: name(0),
        rname: name(1),
        serial: integer(texts[2]!, 0xffffffff),
        refresh: timer(3),
        retry: timer(4),
        expire: timer(5),
        minimum: timer(6),
      };
    }
    case RRType.SRV:
      need(4);
      return {
        kind: 'SRV',
        priority: integer(texts[0]!, 0xffff),
        weight: integer(texts[1]!, 0xffff),
        port: integer(texts[2]!, 0xffff),
        target: name(3),
      };
    case RRType.CAA: {
      need(3);
      const tag = texts[1]!;
      if (!/^[A-Za-z0-9]{1,255}$/.test(tag)) throw new RangeError(`bad CAA tag ${tag}`);
      return { kind: 'CAA', flags: integer(texts[0]!, 255), tag, value: unescapeString(texts[2]!) };
    }
    default:
      throw new RangeError(`type ${typeToString(type)} needs the generic \\# form`);
  }
}

/** `\# <length> <hex…>`: decoded into typed data when polyport knows the type. */
function parseGeneric(type: number, rest: readonly string[]): RData {
  if (rest.length === 0) throw new RangeError('\\# needs a length');
  const length = integer(rest[0]!, 0xffff);
  const hex = rest.slice(1).join('');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError('\\# data is not hex');
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== length) {
    throw new RangeError(`\\# says ${length} bytes but has ${bytes.length}`);
  }
  try {
    return decodeRdata(new WireReader(bytes), type);
  } catch (error) {
    if (error instanceof DnsFormatError) throw new RangeError(`bad \\# rdata: ${error.message}`);
    throw error;
  }
}

function integer(text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new RangeError(`bad number ${text}`);
  return Number(text);
}
