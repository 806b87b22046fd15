/**
 * Conversions between IP address text and packed bytes, as Python's `socket.inet_aton()`,
 * `inet_ntoa()`, `inet_pton()` and `inet_ntop()` on Linux. The parsers are ports of glibc's, so
 * the same strings are accepted and rejected. This is polyport's one IP text parser: DNS records,
 * FTP data addresses, the server kit's limits and the host's config all read addresses here, so
 * `010.0.0.1` or `::1.2.3` never means one thing to one layer and another thing to the next.
 * Pure string work, no `node:net`: codecs and the config may use it.
 */
import { AF_INET, AF_INET6 } from './constants.js';
import { SocketError } from './errors.js';

/** The largest value of the last part of `a`, `a.b`, `a.b.c`, `a.b.c.d` (inet_aton(3)). */
const LAST_PART_MAX = [0xffffffff, 0xffffff, 0xffff, 0xff] as const;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** C's `isspace()` in the C locale: what inet_aton(3) allows after the address. */
function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function requireString(fn: string, text: unknown): asserts text is string {
  if (typeof text !== 'string') {
    throw new TypeError(`${fn}() expects a string, got ${typeof text}`);
  }
  // Python hands the text to C as a NUL-terminated string and refuses to cut it short.
  if (text.includes('\0')) throw new RangeError(`${fn}(): embedded null character`);
}

function requireBytes(fn: string, packed: unknown): asserts packed is Uint8Array {
  if (!(packed instanceof Uint8Array)) {
    throw new TypeError(`${fn}() expects a Buffer or Uint8Array, got ${typeof packed}`);
  }
}

function requireFamily(fn: string, family: unknown): asserts family is number {
  if (typeof family !== 'number' || !Number.isInteger(family)) {
    throw new TypeError(`${fn}() expects an integer address family, got ${typeof family}`);
  }
}

/**
 * Parses the classic inet_aton(3) forms; a port of glibc's `inet_aton_end`. Each part is read
 * as C's `strtoul(…, 0)` would (`0x` hex, leading `0` octal, else decimal) and must start with
 * a digit; after the address only the end of the text or whitespace (then anything) may follow.
 */
function parseAton(text: string): number | null {
  const bytes: number[] = [];
  let i = 0;
  let value: number;
  for (;;) {
    const first = text.charCodeAt(i);
    if (!isDigit(first)) return null;
    let base = 10;
    if (first === 0x30) {
      const x = text[i + 1];
      // strtoul only takes "0x" as a prefix when a hex digit follows; else it reads "0".
      if ((x === 'x' || x === 'X') && hexValue(text.charCodeAt(i + 2)) >= 0) {
        base = 16;
        i += 2;
      } else {
        base = 8;
      }
    }
    value = 0;
    for (; i < text.length; i++) {
      const d = hexValue(text.charCodeAt(i));
      if (d < 0 || d >= base) break;
      // Saturate instead of losing precision: anything past 32 bits is rejected anyway.
      value = Math.min(value * base + d, 0x100000000);
    }
    if (value > 0xffffffff) return null;
    if (text[i] !== '.') break;
    if (bytes.length > 2 || value > 0xff) return null;
    bytes.push(value);
    i++;
  }
  if (i < text.length && !isCSpace(text.charCodeAt(i))) return null;
  if (value > LAST_PART_MAX[bytes.length as 0 | 1 | 2 | 3]) return null;
  let word = 0;
  for (const [k, b] of bytes.entries()) word += b * 2 ** (24 - 8 * k);
  return word + value;
}

/** Strict dotted quad, a port of glibc's `inet_pton4`: four decimal parts, no leading zeros. */
function parsePton4(text: string, out: Uint8Array, at: number): boolean {
  let octets = 0;
  let sawDigit = false;
  let cur = 0;
  const tmp = [0, 0, 0, 0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      const next = cur * 10 + (c - 0x30);
      if (sawDigit && cur === 0) return false;
      if (next > 255) return false;
      cur = next;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
      tmp[octets - 1] = cur;
    } else if (c === 0x2e && sawDigit) {
      if (octets === 4) return false;
      cur = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  if (octets < 4) return false;
  out.set(tmp, at);
  return true;
}

/**
 * RFC 4291 text, a port of glibc's `inet_pton6` (`::`, embedded dotted quad; no zone id).
 * Plain `Uint8Array`, not `Buffer`: DNS parses every A/AAAA record on each encode with it.
 */
function parsePton6(text: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let tp = 0;
  let colonAt = -1;
  let i = 0;
  if (text.length === 0) return null;
  if (text[0] === ':') {
    i = 1;
    if (text[1] !== ':') return null;
  }
  let tokenStart = i;
  let digits = 0;
  let value = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i++);
    const d = hexValue(c);
    if (d >= 0) {
      if (digits === 4) return null;
      value = (value << 4) | d;
      digits++;
      continue;
    }
    if (c === 0x3a) {
      tokenStart = i;
      if (digits === 0) {
        if (colonAt >= 0) return null;
        colonAt = tp;
        continue;
      }
      if (i === text.length) return null;
      if (tp + 2 > 16) return null;
      out[tp] = value >> 8;
      out[tp + 1] = value & 0xff;
      tp += 2;
      digits = 0;
      value = 0;
      continue;
    }
    if (c === 0x2e && tp + 4 <= 16 && parsePton4(text.slice(tokenStart), out, tp)) {
      tp += 4;
      digits = 0;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (tp + 2 > 16) return null;
    out[tp] = value >> 8;
    out[tp + 1] = value & 0xff;
    tp += 2;
  }
  if (colonAt >= 0) {
    // `::` must stand for at least one 16-bit group.
    if (tp === 16) return null;
    const n = tp - colonAt;
    out.copyWithin(16 - n, colonAt, tp);
    out.fill(0, colonAt, 16 - n);
    tp = 16;
  }
  return tp === 16 ? out : null;
}

function ntop4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * RFC 5952 text, a port of glibc's `inet_ntop6`: lowercase, no leading zeros, the longest
 * (first, on a tie) run of two or more zero groups shown as `::`, and the last 32 bits as a
 * dotted quad for IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) addresses.
 */
function ntop6(b: Uint8Array, at: number): string {
  const words: number[] = [];
  for (let i = at; i < at + 16; i += 2) words.push(((b[i] as number) << 8) | (b[i + 1] as number));
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && words[i] === 0) {
      if (curBase === -1) curBase = i;
    } else if (curBase !== -1) {
      if (i - curBase > bestLen) {
        bestBase = curBase;
        bestLen = i - curBase;
      }
      curBase = -1;
    }
  }
  if (bestLen < 2) bestBase = -1;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return text + ntop4(b, at + 12);
    }
    text += (words[i] as number).toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) text += ':';
  return text;
}

/**
 * Converts IPv4 text in any of the classic inet_aton(3) forms to 4 packed bytes: `a.b.c.d`,
 * `a.b.c` (c is 16 bits), `a.b` (b is 24 bits) and `a` (32 bits), each part decimal, octal
 * (leading `0`) or hex (`0x`). As in C, whitespace ends the address and what follows it is
 * ignored. Use {@link inetPton} to accept only the strict dotted quad.
 *
 * @param text the address text.
 * @returns the address in network byte order, 4 bytes.
 * @throws {SocketError} `EINVAL`, "illegal IP address string passed to inet_aton", when the
 *   text is not an address.
 * @throws {TypeError} when `text` is not a string.
 * @throws {RangeError} when `text` contains a NUL character.
 * @example
 * inetAton('127.1'); // <Buffer 7f 00 00 01>
 * inetAton('0x7f.0.0.1'); // <Buffer 7f 00 00 01>
 */
export function inetAton(text: string): Buffer {
  requireString('inetAton', text);
  const word = parseAton(text);
  if (word === null) {
    throw new SocketError('EINVAL', { detail: 'illegal IP address string passed to inet_aton' });
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(word, 0);
  return out;
}

/**
 * Converts 4 packed bytes to dotted-quad text.
 *
 * @param packed an IPv4 address in network byte order, exactly 4 bytes.
 * @returns the dotted quad, e.g. `'192.0.2.1'`.
 * @throws {SocketError} `EINVAL`, "packed IP wrong length for inet_ntoa", when `packed` is not
 *   4 bytes long.
 * @throws {TypeError} when `packed` is not a Buffer or Uint8Array.
 * @example
 * inetNtoa(Buffer.from([127, 0, 0, 1])); // '127.0.0.1'
 */
export function inetNtoa(packed: Uint8Array): string {
  requireBytes('inetNtoa', packed);
  if (packed.length !== 4) {
    throw new SocketError('EINVAL', { detail: 'packed IP wrong length for inet_ntoa' });
  }
  return ntop4(packed, 0);
}

/**
 * Converts address text of the given family to packed bytes, strictly: `AF_INET` takes only the
 * dotted quad of four decimal parts without leading zeros; `AF_INET6` takes every RFC 4291
 * form (`::`, `::1`, `2001:db8::1`, `::ffff:192.0.2.1`, any case) but no zone id (`%eth0`).
 *
 * @param family `AF_INET` or `AF_INET6`.
 * @param text the address text.
 * @returns 4 bytes for `AF_INET`, 16 for `AF_INET6`, in network byte order.
 * @throws {SocketError} `EAFNOSUPPORT` for another family; `EINVAL`, "illegal IP address
 *   string passed to inet_pton", when the text is not an address of the family.
 * @throws {TypeError} when `family` is not an integer or `text` not a string.
 * @throws {RangeError} when `text` contains a NUL character.
 * @example
 * inetPton(AF_INET6, '2001:db8::1'); // <Buffer 20 01 0d b8 00 … 00 01>
 */
export function inetPton(family: number, text: string): Buffer {
  requireFamily('inetPton', family);
  requireString('inetPton', text);
  let packed: Uint8Array | null;
  if (family === AF_INET) {
    packed = parseIPv4(text);
  } else if (family === AF_INET6) {
    packed = parsePton6(text);
  } else {
    throw new SocketError('EAFNOSUPPORT');
  }
  if (packed === null) {
    throw new SocketError('EINVAL', { detail: 'illegal IP address string passed to inet_pton' });
  }
  return Buffer.from(packed.buffer, packed.byteOffset, packed.length);
}

/**
 * Converts packed bytes of the given family to text; IPv6 comes out in RFC 5952 canonical form
 * (lowercase, longest run of zero groups as `::`, never a lone zero group, IPv4-mapped as
 * `::ffff:a.b.c.d`), exactly as Python shows it on Linux.
 *
 * @param family `AF_INET` or `AF_INET6`.
 * @param packed 4 bytes for `AF_INET`, 16 for `AF_INET6`.
 * @returns the address text.
 * @throws {RangeError} "invalid length of packed IP address string" when the length does not
 *   fit the family; "unknown address family N" for another family.
 * @throws {TypeError} when `family` is not an integer or `packed` not a Buffer or Uint8Array.
 * @example
 * inetNtop(AF_INET6, inetPton(AF_INET6, '2001:db8:0:0:1:0:0:1')); // '2001:db8::1:0:0:1'
 */
export function inetNtop(family: number, packed: Uint8Array): string {
  requireFamily('inetNtop', family);
  requireBytes('inetNtop', packed);
  const want = family === AF_INET ? 4 : family === AF_INET6 ? 16 : 0;
  if (want === 0) throw new RangeError(`unknown address family ${family}`);
  if (packed.length !== want) throw new RangeError('invalid length of packed IP address string');
  return family === AF_INET ? ntop4(packed, 0) : ntop6(packed, 0);
}

/**
 * Parses a strict dotted quad, as {@link inetPton} with `AF_INET` does, without throwing: four
 * decimal parts of 0–255 without leading zeros (`010` is octal to inet_aton(3) and decimal to
 * others, so it is refused rather than guessed).
 *
 * @param text the address text.
 * @returns its 4 bytes in network byte order, or `null` when `text` is not a dotted quad.
 * @example
 * parseIPv4('10.0.0.1'); // Uint8Array [10, 0, 0, 1]
 * parseIPv4('127.1'); // null
 */
export function parseIPv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  return parsePton4(text, out, 0) ? out : null;
}

/**
 * Parses IPv6 text in any RFC 4291 form (`::`, `::1`, `2001:db8::1`, `::ffff:192.0.2.1`, any
 * case), as {@link inetPton} with `AF_INET6` does, without throwing. A zone id (`%eth0`) is not
 * part of the address: use {@link parseIpAddress} where one may appear.
 *
 * @param text the address text, without brackets.
 * @returns its 16 bytes in network byte order, or `null` when `text` is not an IPv6 address.
 * @example
 * parseIPv6('::1'); // 15 zero bytes, then 1
 * parseIPv6('1::2::3'); // null
 */
export function parseIPv6(text: string): Uint8Array | null {
  return parsePton6(text);
}

/**
 * Tells whether `text` is a strict dotted quad (see {@link parseIPv4}).
 *
 * @param text any string.
 * @returns `true` for `127.0.0.1`, `false` for `127.1` or `010.0.0.1`.
 * @example
 * isIPv4('192.0.2.1'); // true
 */
export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== null;
}

/**
 * Tells whether `text` is an IPv6 address in RFC 4291 text form, without a zone id (see
 * {@link parseIPv6}).
 *
 * @param text any string.
 * @returns `true` for `::1` or `2001:db8::10`, `false` for `fe80::1%eth0` or `1::2::3`.
 * @example
 * isIPv6('::ffff:192.0.2.1'); // true
 */
export function isIPv6(text: string): boolean {
  return parsePton6(text) !== null;
}

/** A parsed IP address: its family, its bytes and, for a scoped IPv6 address, its zone. */
export interface IpAddress {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6, in network byte order. */
  readonly bytes: Uint8Array;
  /** The zone id after `%` (`eth0` in `fe80::1%eth0`); present only when the text had one. */
  readonly zone?: string;
}

/**
 * Parses an address as a peer or a user writes it: a strict dotted quad, or IPv6 text with an
 * optional zone id (`fe80::1%eth0`, as sockets report link-local peers). The zone names an
 * interface, not part of the address, so it is returned apart from the bytes.
 *
 * @param text the address text, without brackets.
 * @returns the address, or `null` when `text` is not one.
 * @example
 * parseIpAddress('::ffff:127.0.0.1')?.family; // 6
 * parseIpAddress('fe80::1%eth0')?.zone; // 'eth0'
 */
export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, bytes: v4 };
  const percent = text.indexOf('%');
  if (percent === -1) {
    const v6 = parsePton6(text);
    return v6 === null ? null : { family: 6, bytes: v6 };
  }
  const zone = text.slice(percent + 1);
  if (zone === '' || zone.includes('%')) return null;
  const v6 = parsePton6(text.slice(0, percent));
  return v6 === null ? null : { family: 6, bytes: v6, zone };
}

/**
 * The family of an IP literal, as `node:net`'s `isIP()` answers it: 4 for a strict dotted quad,
 * 6 for IPv6 text (a zone id allowed, `fe80::1%eth0`), 0 for anything else (a name). Here so
 * that the socket layer tells literals from names without loading `node:net`, which a UDP-only
 * program (`polyport dig`) never needs.
 *
 * @param text any string.
 * @returns 4, 6 or 0.
 * @example
 * ipFamily('127.0.0.1'); // 4
 * ipFamily('fe80::1%eth0'); // 6
 * ipFamily('localhost'); // 0
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  return parseIpAddress(text)?.family ?? 0;
}

/**
 * Formats 4 bytes as a dotted quad.
 *
 * @param bytes the buffer holding the address.
 * @param at index of its first byte.
 * @returns the address text.
 * @example
 * formatIPv4(Uint8Array.of(127, 0, 0, 1)); // '127.0.0.1'
 */
export function formatIPv4(bytes: Uint8Array, at = 0): string {
  return ntop4(bytes, at);
}

/**
 * Formats 16 bytes as {@link inetNtop} with `AF_INET6` does (RFC 5952: lowercase, the longest
 * run of zero groups as `::`, IPv4-mapped as `::ffff:a.b.c.d`), reading them in place.
 *
 * @param bytes the buffer holding the address.
 * @param at index of its first byte.
 * @returns the address text.
 * @example
 * formatIPv6(new Uint8Array(16)); // '::'
 */
export function formatIPv6(bytes: Uint8Array, at = 0): string {
  return ntop6(bytes, at);
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

/** Whether 16 bytes are an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
function isMapped(b: Uint8Array): boolean {
  return b.length === 16 && MAPPED_PREFIX.every((v, i) => b[i] === v);
}

/**
 * An address's 16-byte form: IPv4 becomes IPv4-mapped IPv6, so an IPv4 client seen through a
 * dual-stack socket compares equal to the same client over IPv4.
 */
function as16(addr: IpAddress): Uint8Array {
  if (addr.family === 6) return addr.bytes;
  const out = new Uint8Array(16);
  out.set(MAPPED_PREFIX);
  out.set(addr.bytes, 12);
  return out;
}

/**
 * Tells whether two address texts name the same host, treating IPv4-mapped IPv6 as IPv4 and
 * ignoring zone ids (`::1` and `0:0:0:0:0:0:0:1` are equal).
 *
 * @param a an address text.
 * @param b another address text.
 * @returns `true` when both parse and their bytes are equal; `false` otherwise.
 * @example
 * sameIpAddress('::ffff:10.0.0.1', '10.0.0.1'); // true
 */
export function sameIpAddress(a: string, b: string): boolean {
  const x = parseIpAddress(a);
  const y = parseIpAddress(b);
  if (x === null || y === null) return false;
  const p = as16(x);
  const q = as16(y);
  return p.every((v, i) => v === q[i]);
}

/**
 * Returns the IPv4 address inside an IPv4-mapped IPv6 address, or the text unchanged. A server
 * on `::` sees IPv4 peers as `::ffff:1.2.3.4`, but FTP's PASV, for one, must announce `1,2,3,4`.
 *
 * @param text an address text.
 * @returns the dotted quad for an IPv4-mapped address; any other text as given.
 * @example
 * unmapIpv4('::ffff:192.0.2.7'); // '192.0.2.7'
 * unmapIpv4('::1'); // '::1'
 */
export function unmapIpv4(text: string): string {
  const addr = parseIpAddress(text);
  if (addr === null || addr.family === 4 || !isMapped(addr.bytes)) return text;
  return ntop4(addr.bytes, 12);
}
