/**
 * Text <-> bytes for the addresses in A and AAAA records (RFC 1035, RFC 4291, RFC 5952).
 * Written here because only layer 1 may import `node:net`.
 */

/**
 * Parses a strict dotted quad (`127.0.0.1`; no leading zeros, no shorthand).
 *
 * @param text the address.
 * @returns its 4 bytes, or `null` when `text` is not a dotted quad.
 * @example
 * parseIPv4('10.0.0.1'); // Uint8Array [10, 0, 0, 1]
 */
export function parseIPv4(text: string): Uint8Array | null {
  // Hand-rolled: every A record is parsed on each encode, so no split() or regex here.
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return null;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // No leading zeros: "01" is octal to some parsers and decimal to others.
      if (digits > 0 && value === 0) return null;
      value = value * 10 + (c - 0x30);
      if (value > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  return part === 4 ? out : null;
}

/**
 * Formats 4 bytes as a dotted quad.
 *
 * @param bytes the buffer.
 * @param at index of the first byte.
 * @returns the address text.
 * @example
 * formatIPv4(Uint8Array.of(127, 0, 0, 1), 0); // '127.0.0.1'
 */
export function formatIPv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/**
 * Parses an IPv6 address in any RFC 4291 text form, including `::` and a trailing dotted quad.
 *
 * @param text the address (no zone index, no brackets).
 * @returns its 16 bytes, or `null` when `text` is not an IPv6 address.
 * @example
 * parseIPv6('::1'); // 15 zero bytes then 1
 */
export function parseIPv6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (v4 === null) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(Number.parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  // A dotted quad may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/**
 * Formats 16 bytes in the RFC 5952 canonical form: lower case, the longest run of two or more
 * zero groups as `::`, IPv4-mapped addresses as `::ffff:a.b.c.d`.
 *
 * @param bytes the buffer.
 * @param at index of the first byte.
 * @returns the address text.
 * @example
 * formatIPv6(new Uint8Array(16), 0); // '::'
 */
export function formatIPv6(bytes: Uint8Array, at: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((bytes[at + i * 2]! << 8) | bytes[at + i * 2 + 1]!);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, at + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/**
 * The reverse-lookup name of an address, as `dig -x` builds it: `in-addr.arpa` labels for IPv4
 * (RFC 1035 §3.5), nibble labels under `ip6.arpa` for IPv6 (RFC 3596 §2.5).
 *
 * @param address an IPv4 or IPv6 address.
 * @returns the PTR owner name.
 * @throws {RangeError} when `address` is neither.
 * @example
 * reverseName('127.0.0.1'); // '1.0.0.127.in-addr.arpa'
 * reverseName('::1'); // '1.0.0.0. … .0.ip6.arpa' (32 nibbles)
 */
export function reverseName(address: string): string {
  const v4 = parseIPv4(address);
  if (v4 !== null) return `${[...v4].reverse().join('.')}.in-addr.arpa`;
  const v6 = parseIPv6(address);
  if (v6 === null) throw new RangeError(`not an IP address: ${address}`);
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--)
    nibbles.push((v6[i]! & 0x0f).toString(16), (v6[i]! >> 4).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}
