/**
 * Pure IP address text parsing for FTP's address arguments. Layer 4 may not import `node:net`,
 * and a bounce check needs byte-exact comparison anyway (`::1` and `0:0:0:0:0:0:0:1` are equal).
 */

/** A parsed address: its family and its 4 or 16 bytes. */
export interface IpAddress {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
}

const V4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

function parseV4(text: string): Uint8Array | null {
  const m = V4.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  // Leading zeros are refused above: "010" is octal to inet_aton and decimal to others.
  return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : null;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
    out.push(Number.parseInt(g, 16));
  }
  return out;
}

function parseV6(input: string): Uint8Array | null {
  // A zone (fe80::1%eth0) names an interface, not part of the address.
  const text = input.includes('%') ? input.slice(0, input.indexOf('%')) : input;
  let tail: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [
      ((v4[0] as number) << 8) | (v4[1] as number),
      ((v4[2] as number) << 8) | (v4[3] as number),
    ];
    body = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::", "a::1.2.3.4" leaves "a::", "a:b:…:1.2.3.4" leaves a trailing ':'.
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  const given = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return null;
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
  } else {
    if (given !== 8) return null;
    groups = [...head, ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/**
 * Parses an IPv4 dotted quad or an IPv6 address (with `::`, an embedded IPv4 tail, or a zone).
 *
 * @param text The address text.
 * @returns The address, or `null` if the text is not an address.
 * @example
 * parseIpAddress('::ffff:127.0.0.1')?.family; // 6
 */
export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { family: 4, bytes: v4 };
  if (!text.includes(':')) return null;
  const v6 = parseV6(text);
  return v6 === null ? null : { family: 6, bytes: v6 };
}

/**
 * Returns an address's 16-byte form: IPv4 becomes IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so an
 * IPv4 client on a dual-stack socket compares equal to the same client over IPv4.
 */
function as16(addr: IpAddress): Uint8Array {
  if (addr.family === 6) return addr.bytes;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(addr.bytes, 12);
  return out;
}

/**
 * Tells whether two address texts name the same host, treating IPv4-mapped IPv6 as IPv4.
 *
 * @param a An address text.
 * @param b Another address text.
 * @returns `true` when both parse and are equal; `false` otherwise.
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
 * on `::` sees IPv4 peers as `::ffff:1.2.3.4`, but PASV must announce `1,2,3,4`.
 *
 * @param text An address text.
 * @returns The dotted quad for IPv4 and IPv4-mapped addresses; other texts as given.
 * @example
 * unmapIpv4('::ffff:192.0.2.7'); // '192.0.2.7'
 */
export function unmapIpv4(text: string): string {
  const addr = parseIpAddress(text);
  if (addr === null) return text;
  const b = as16(addr);
  const mapped = b.slice(0, 10).every((v) => v === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? `${b[12]}.${b[13]}.${b[14]}.${b[15]}` : text;
}
