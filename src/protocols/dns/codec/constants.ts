/**
 * DNS numbers and their mnemonics: record types, classes, opcodes and response codes
 * (RFC 1035, RFC 3596, RFC 2782, RFC 6891, RFC 8659, IANA "Domain Name System (DNS) Parameters").
 */

/**
 * Record type numbers by mnemonic. Only the types polyport gives typed rdata are needed in code;
 * the rest are here so they print by name.
 *
 * @example
 * RRType.AAAA; // 28
 */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  CAA: 257,
} as const;

/**
 * Class numbers by mnemonic (`ANY` is the QCLASS `*`).
 *
 * @example
 * RRClass.IN; // 1
 */
export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

/**
 * Header opcodes.
 *
 * @example
 * Opcode.QUERY; // 0
 */
export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/**
 * Response codes, including the EDNS extended ones above 15 (RFC 6891 BADVERS).
 *
 * @example
 * Rcode.NXDOMAIN; // 3
 */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
  BADCOOKIE: 23,
} as const;

/**
 * EDNS option codes polyport knows by name (RFC 6891 registry).
 *
 * @example
 * EdnsOption.COOKIE; // 10
 */
export const EdnsOption = {
  NSID: 3,
  CLIENT_SUBNET: 8,
  EXPIRE: 9,
  COOKIE: 10,
  TCP_KEEPALIVE: 11,
  PADDING: 12,
  EDE: 15,
} as const;

function invert(table: Readonly<Record<string, number>>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [name, value] of Object.entries(table)) out.set(value, name);
  return out;
}

const typeNames = invert(RRType);
const classNames = invert(RRClass);
const opcodeNames = invert(Opcode);
const rcodeNames = invert(Rcode);
const typeNumbers = new Map<string, number>(Object.entries(RRType));
const classNumbers = new Map<string, number>(Object.entries(RRClass));

/**
 * Names a record type: its mnemonic, or `TYPEnnn` (RFC 3597) when it has none.
 *
 * @param type a 16-bit type number.
 * @returns the presentation name.
 * @example
 * typeToString(28); // 'AAAA'
 * typeToString(65280); // 'TYPE65280'
 */
export function typeToString(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/**
 * Parses a record type mnemonic or `TYPEnnn`, ignoring case.
 *
 * @param text the mnemonic.
 * @returns the type number, or `undefined` when `text` names no type.
 * @example
 * typeFromString('mx'); // 15
 * typeFromString('TYPE99'); // 99
 */
export function typeFromString(text: string): number | undefined {
  const upper = text.toUpperCase();
  return typeNumbers.get(upper) ?? genericNumber(upper, 'TYPE');
}

/**
 * Names a class: its mnemonic, or `CLASSnnn` (RFC 3597).
 *
 * @param klass a 16-bit class number.
 * @returns the presentation name.
 * @example
 * classToString(1); // 'IN'
 */
export function classToString(klass: number): string {
  return classNames.get(klass) ?? `CLASS${klass}`;
}

/**
 * Parses a class mnemonic or `CLASSnnn`, ignoring case.
 *
 * @param text the mnemonic.
 * @returns the class number, or `undefined` when `text` names no class.
 * @example
 * classFromString('in'); // 1
 */
export function classFromString(text: string): number | undefined {
  const upper = text.toUpperCase();
  return classNumbers.get(upper) ?? genericNumber(upper, 'CLASS');
}

/**
 * Names an opcode as dig does (`QUERY`, `NOTIFY`, or the number).
 *
 * @param opcode a 4-bit opcode.
 * @returns the mnemonic.
 * @example
 * opcodeToString(0); // 'QUERY'
 */
export function opcodeToString(opcode: number): string {
  return opcodeNames.get(opcode) ?? `RESERVED${opcode}`;
}

/**
 * Names a response code as dig does (`NOERROR`, `NXDOMAIN`, …, or `RESERVEDnn`).
 *
 * @param rcode a 12-bit (extended) response code.
 * @returns the mnemonic.
 * @example
 * rcodeToString(3); // 'NXDOMAIN'
 */
export function rcodeToString(rcode: number): string {
  return rcodeNames.get(rcode) ?? `RESERVED${rcode}`;
}

/** Reads `TYPE123` / `CLASS123`: the RFC 3597 spelling of a number without a mnemonic. */
function genericNumber(upper: string, prefix: string): number | undefined {
  if (!upper.startsWith(prefix)) return undefined;
  const digits = upper.slice(prefix.length);
  if (!/^\d{1,5}$/.test(digits)) return undefined;
  const value = Number(digits);
  return value <= 0xffff ? value : undefined;
}
