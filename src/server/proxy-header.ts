/**
 * The PROXY protocol header (HAProxy's spec, versions 1 and 2): what an L4 load balancer sends
 * first on a connection it forwards, naming the client it accepted. Pure: bytes in, a header or
 * an error out; the listener's header phase does the reading. A datagram server behind a balancer
 * that also carries UDP reads the header at the start of a datagram
 * ({@link parseDatagramProxyHeader}).
 */
import { formatIPv6, parseIPv4, parseIPv6 } from '../socket/index.js';

/**
 * A parsed header: the client (`source`) and the address it connected to (`destination`), or
 * `local` when the header names no client — v2's `LOCAL` command (the balancer's own health
 * check), v1's `UNKNOWN`, or a v2 family other than IPv4/IPv6 — so the connection keeps the
 * balancer's address.
 */
export type ProxyHeader =
  | {
      readonly version: 1 | 2;
      readonly source: readonly [string, number];
      readonly destination: readonly [string, number];
    }
  | { readonly version: 1 | 2; readonly local: true };

/** What {@link parseProxyHeader} makes of the bytes received so far. */
export type ProxyHeaderParse =
  /** A header, and its length: the bytes after it belong to the protocol. */
  | { readonly type: 'header'; readonly header: ProxyHeader; readonly length: number }
  /** A valid beginning: at least `need` bytes in all are needed to go on. */
  | { readonly type: 'incomplete'; readonly need: number }
  /** Not a header: the connection must be refused. */
  | { readonly type: 'error'; readonly reason: string };

/**
 * What {@link parseDatagramProxyHeader} makes of a datagram: a datagram is whole, so a header is
 * there in full or not at all.
 */
export type DatagramProxyHeaderParse = Exclude<ProxyHeaderParse, { readonly type: 'incomplete' }>;

/**
 * The transport the balancer accepted the client on, as v2's low nibble of byte 13 names it:
 * `STREAM` (1, TCP) on a connection, `DGRAM` (2, UDP) on a datagram.
 */
type Transport = 1 | 2;
const STREAM: Transport = 1;
const DGRAM: Transport = 2;

/** The longest v1 header, CRLF included (the spec's bound). */
export const PROXY_V1_MAX_LENGTH = 107;
/** Bytes of TLVs (after the addresses) a v2 header may carry here; more is refused. */
export const PROXY_V2_MAX_TLV_BYTES = 1024;

/** The longest header {@link parseProxyHeader} accepts (v2: fixed part, UNIX addresses, TLVs). */
export const PROXY_HEADER_MAX_LENGTH = 16 + 216 + PROXY_V2_MAX_TLV_BYTES;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** v2's 12-byte signature: `\r\n\r\n\0\r\nQUIT\n`, which no text protocol begins with. */
export const PROXY_V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const V2_FIXED = 16;
/** Address block length per v2 family (high nibble of byte 13): INET, INET6, UNIX. */
const V2_ADDRESS_LENGTH: Readonly<Record<number, number>> = { 0: 0, 1: 12, 2: 36, 3: 216 };

/**
 * Parses a PROXY header from the first bytes of a connection, v1 or v2 by its first byte.
 * Call it again with more bytes while it answers `incomplete`; it never looks past the header.
 *
 * @param data every byte received so far (the header need not be complete).
 * @returns the header and its length, `incomplete` with the total bytes needed, or an error.
 * @example
 * parseProxyHeader(Buffer.from('PROXY TCP4 203.0.113.7 127.0.0.1 5000 80\r\nGET /'));
 * // { type: 'header', length: 42,
 * //   header: { version: 1, source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 80] } }
 */
export function parseProxyHeader(data: Uint8Array): ProxyHeaderParse {
  if (data.length === 0) return { type: 'incomplete', need: 1 };
  if (data[0] === V1_PREFIX[0]) return parseV1(data);
  if (data[0] === PROXY_V2_SIGNATURE[0]) return parseV2(data, STREAM);
  return error('not a PROXY protocol header');
}

/**
 * Parses the PROXY header at the start of a datagram: the datagram must hold all of it (a
 * balancer prepends the header to the datagram it forwards; nothing more will come for it).
 *
 * v1 has no word for UDP: nginx's `stream` module sends `PROXY TCP4 …`/`PROXY TCP6 …` for the
 * datagrams it forwards, so v1's TCP families are taken here as on a connection. v2 names the
 * transport, and on a datagram it must be `DGRAM` (`0x12` UDP over IPv4, `0x22` over IPv6);
 * `LOCAL`, `UNSPEC` and `UNIX` headers are `local` as on a connection.
 *
 * @param data the whole datagram.
 * @returns the header and its length (the payload starts there), or an error.
 * @example
 * const header = encodeProxyHeaderV2({
 *   source: ['203.0.113.7', 5000],
 *   destination: ['10.0.0.2', 53],
 *   transport: 'datagram',
 * });
 * parseDatagramProxyHeader(Buffer.concat([header, Buffer.from('a DNS query')]));
 * // { type: 'header', length: 28,
 * //   header: { version: 2, source: ['203.0.113.7', 5000], destination: ['10.0.0.2', 53] } }
 */
export function parseDatagramProxyHeader(data: Uint8Array): DatagramProxyHeaderParse {
  const first = data[0];
  const parsed =
    first === V1_PREFIX[0]
      ? parseV1(data)
      : first === PROXY_V2_SIGNATURE[0]
        ? parseV2(data, DGRAM)
        : error('not a PROXY protocol header');
  if (parsed.type !== 'incomplete') return parsed;
  return error('datagram shorter than its PROXY header');
}

function parseV1(data: Uint8Array): ProxyHeaderParse {
  const prefix = Math.min(data.length, V1_PREFIX.length);
  for (let i = 0; i < prefix; i++) {
    if (data[i] !== V1_PREFIX[i]) return error('not a PROXY protocol header');
  }
  const limit = Math.min(data.length, PROXY_V1_MAX_LENGTH);
  let end = -1;
  for (let i = V1_PREFIX.length; i < limit; i++) {
    if (data[i] === 0x0a) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    if (data.length >= PROXY_V1_MAX_LENGTH) return error('v1 header longer than 107 bytes');
    return { type: 'incomplete', need: data.length + 1 };
  }
  if (data[end - 1] !== 0x0d) return error('v1 header not ended by CRLF');
  const length = end + 1;
  const line = Buffer.from(data.buffer, data.byteOffset, end - 1).toString('latin1');
  const fields = line.split(' ');
  if (fields[1] === 'UNKNOWN')
    return { type: 'header', header: { version: 1, local: true }, length };
  if (fields.length !== 6) return error('v1 header needs 6 fields');
  const [, family, sourceHost, destinationHost, sourcePort, destinationPort] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const parse = family === 'TCP4' ? parseIPv4 : family === 'TCP6' ? parseIPv6 : null;
  if (parse === null) return error(`v1 family ${JSON.stringify(family)} is not TCP4 or TCP6`);
  const source = parse(sourceHost);
  const destination = parse(destinationHost);
  if (source === null || destination === null) return error(`v1 address is not ${family}`);
  const from = portOf(sourcePort);
  const to = portOf(destinationPort);
  if (from === null || to === null) return error('v1 port is not 0 to 65535');
  const text = family === 'TCP4' ? formatIPv4 : formatIPv6;
  return {
    type: 'header',
    header: {
      version: 1,
      source: [text(source), from],
      destination: [text(destination), to],
    },
    length,
  };
}

function parseV2(data: Uint8Array, transport: Transport): ProxyHeaderParse {
  const prefix = Math.min(data.length, PROXY_V2_SIGNATURE.length);
  for (let i = 0; i < prefix; i++) {
    if (data[i] !== PROXY_V2_SIGNATURE[i]) return error('not a PROXY protocol header');
  }
  if (data.length < V2_FIXED) return { type: 'incomplete', need: V2_FIXED };
  const versionCommand = data[12] as number;
  const familyProtocol = data[13] as number;
  const declared = ((data[14] as number) << 8) | (data[15] as number);
  if (versionCommand >> 4 !== 2) return error(`v2 version ${versionCommand >> 4} is not 2`);
  const command = versionCommand & 0x0f;
  if (command > 1) return error(`v2 command ${command} is not LOCAL or PROXY`);
  const family = familyProtocol >> 4;
  const addressLength = V2_ADDRESS_LENGTH[family];
  if (addressLength === undefined) return error(`v2 address family ${family} is unknown`);
  if (declared > V2_ADDRESS_LENGTH[3]! + PROXY_V2_MAX_TLV_BYTES) {
    return error(`v2 header of ${declared} bytes is too long`);
  }
  const length = V2_FIXED + declared;
  if (data.length < length) return { type: 'incomplete', need: length };
  // LOCAL: the balancer speaks for itself (a health check); the addresses, if any, are ignored.
  if (command === 0) return { type: 'header', header: { version: 2, local: true }, length };
  // UNSPEC and UNIX name no IP client: the spec says to keep the connection's own addresses.
  if (family !== 1 && family !== 2) {
    return { type: 'header', header: { version: 2, local: true }, length };
  }
  if ((familyProtocol & 0x0f) !== transport) {
    return error(`v2 transport is not ${transport === STREAM ? 'STREAM' : 'DGRAM'}`);
  }
  if (declared < addressLength) return error('v2 address block shorter than its family');
  if (declared - addressLength > PROXY_V2_MAX_TLV_BYTES) {
    return error(`v2 header carries more than ${PROXY_V2_MAX_TLV_BYTES} bytes of TLVs`);
  }
  const size = family === 1 ? 4 : 16;
  const at = V2_FIXED;
  const host = (offset: number): string =>
    family === 1 ? formatIPv4(data.subarray(offset, offset + 4)) : formatIPv6(data, offset);
  const port = (offset: number): number =>
    ((data[offset] as number) << 8) | (data[offset + 1] as number);
  return {
    type: 'header',
    header: {
      version: 2,
      source: [host(at), port(at + 2 * size)],
      destination: [host(at + size), port(at + 2 * size + 2)],
    },
    length,
  };
}

/**
 * Builds a v1 (text) header, as a balancer sends it.
 *
 * @param header the client and destination (same family), or `local` for `PROXY UNKNOWN`.
 * @returns the header line, CRLF included.
 * @throws {TypeError} when an address is not an IP address or the families differ.
 * @example
 * encodeProxyHeaderV1({ source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 80] });
 * // 'PROXY TCP4 203.0.113.7 127.0.0.1 5000 80\r\n'
 */
export function encodeProxyHeaderV1(header: ProxyHeaderInput): string {
  if ('local' in header) return 'PROXY UNKNOWN\r\n';
  const family = familyOf(header);
  const [sourceHost, sourcePort] = header.source;
  const [destinationHost, destinationPort] = header.destination;
  const name = family === 4 ? 'TCP4' : 'TCP6';
  return `PROXY ${name} ${sourceHost} ${destinationHost} ${sourcePort} ${destinationPort}\r\n`;
}

/**
 * Builds a v2 (binary) header: `PROXY` for a client (over TCP, or UDP with
 * `transport: 'datagram'`), `LOCAL` for `{ local: true }`.
 *
 * @param header the client and destination (same family), or `local`.
 * @param tlvs bytes appended after the addresses as TLVs (not checked; for tests of skipping).
 * @returns the header bytes.
 * @throws {TypeError} when an address is not an IP address or the families differ.
 * @example
 * encodeProxyHeaderV2({ source: ['2001:db8::7', 5000], destination: ['::1', 80] }).length; // 52
 */
export function encodeProxyHeaderV2(
  header: ProxyHeaderInput,
  tlvs: Uint8Array = new Uint8Array(0),
): Buffer {
  if ('local' in header) {
    return Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x20, 0x00, 0, tlvs.length]), tlvs]);
  }
  const family = familyOf(header);
  const parse = family === 4 ? parseIPv4 : parseIPv6;
  const addresses = Buffer.concat([
    parse(header.source[0]) as Uint8Array,
    parse(header.destination[0]) as Uint8Array,
    Buffer.from([header.source[1] >> 8, header.source[1] & 0xff]),
    Buffer.from([header.destination[1] >> 8, header.destination[1] & 0xff]),
  ]);
  const length = addresses.length + tlvs.length;
  const transport = header.transport === 'datagram' ? DGRAM : STREAM;
  const familyTransport = ((family === 4 ? 1 : 2) << 4) | transport;
  const fixed = Buffer.from([0x21, familyTransport, length >> 8, length & 0xff]);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, addresses, tlvs]);
}

/**
 * What the encoders take: a client and destination, or `local`. `transport` is what v2 names
 * (default `'stream'`, TCP; `'datagram'` for UDP); v1 has only TCP's words and ignores it.
 */
export type ProxyHeaderInput =
  | {
      readonly source: readonly [string, number];
      readonly destination: readonly [string, number];
      readonly transport?: 'stream' | 'datagram';
    }
  | { readonly local: true };

function familyOf(header: {
  readonly source: readonly [string, number];
  readonly destination: readonly [string, number];
}): 4 | 6 {
  const kinds = [header.source[0], header.destination[0]].map((host) =>
    parseIPv4(host) !== null ? 4 : parseIPv6(host) !== null ? 6 : 0,
  );
  if (kinds[0] === 0 || kinds[0] !== kinds[1]) {
    throw new TypeError('PROXY header addresses must be two IPv4 or two IPv6 addresses');
  }
  return kinds[0] as 4 | 6;
}

function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** A port as v1 writes it: decimal, no leading zero. */
function portOf(text: string): number | null {
  if (!/^(0|[1-9]\d{0,4})$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

function error(reason: string): { readonly type: 'error'; readonly reason: string } {
  return { type: 'error', reason };
}
