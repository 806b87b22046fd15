/**
 * Typed record data and its wire form for the types polyport understands: A, AAAA (RFC 3596),
 * NS, CNAME, PTR, MX, TXT, SOA (RFC 1035), SRV (RFC 2782), CAA (RFC 8659). Every other type is
 * kept as opaque bytes (RFC 3597).
 */

import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../../socket/inet.js';
import { RRType } from './constants.js';
import { DnsFormatError } from './errors.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** Record data, tagged by the mnemonic of the type it belongs to. */
export type RData =
  | { readonly kind: 'A'; readonly address: string }
  | { readonly kind: 'AAAA'; readonly address: string }
  | { readonly kind: 'NS'; readonly target: string }
  | { readonly kind: 'CNAME'; readonly target: string }
  | { readonly kind: 'PTR'; readonly target: string }
  | { readonly kind: 'MX'; readonly preference: number; readonly exchange: string }
  /** One or more character-strings of at most 255 bytes each. */
  | { readonly kind: 'TXT'; readonly strings: readonly Uint8Array[] }
  | {
      readonly kind: 'SOA';
      readonly mname: string;
      readonly rname: string;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    }
  | {
      readonly kind: 'SRV';
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: string;
    }
  | {
      readonly kind: 'CAA';
      readonly flags: number;
      readonly tag: string;
      readonly value: Uint8Array;
    }
  /** Any other type, or a known type whose rdata is kept undecoded (RFC 3597). */
  | { readonly kind: 'unknown'; readonly bytes: Uint8Array };

/**
 * A resource record. `type` is the wire type; `data.kind` must match it (or be `unknown`).
 * Names are in polyport's presentation form (see `normalizeName`).
 */
export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** Time to live in seconds (0..2^31-1; larger values are read as 0 per RFC 2181 §8). */
  readonly ttl: number;
  readonly data: RData;
}

/**
 * Decodes the rdata of one record. The reader's `end` must be the end of the rdata, so a name
 * cannot run past it and leftover bytes are detected.
 *
 * @param r a reader positioned at the rdata.
 * @param type the record's type.
 * @returns the typed rdata.
 * @throws {DnsFormatError} when the rdata is malformed for its type.
 * @example
 * decodeRdata(reader, RRType.A); // { kind: 'A', address: '127.0.0.1' }
 */
export function decodeRdata(r: WireReader, type: number): RData {
  const data = decodeTyped(r, type);
  if (r.pos !== r.end) throw new DnsFormatError(`rdata longer than its ${type} content`, r.pos);
  return data;
}

function decodeTyped(r: WireReader, type: number): RData {
  switch (type) {
    case RRType.A: {
      if (r.end - r.pos !== 4) throw new DnsFormatError('A rdata is not 4 bytes', r.pos);
      const address = formatIPv4(r.buf, r.pos);
      r.pos += 4;
      return { kind: 'A', address };
    }
    case RRType.AAAA: {
      if (r.end - r.pos !== 16) throw new DnsFormatError('AAAA rdata is not 16 bytes', r.pos);
      const address = formatIPv6(r.buf, r.pos);
      r.pos += 16;
      return { kind: 'AAAA', address };
    }
    case RRType.NS:
      return { kind: 'NS', target: r.name() };
    case RRType.CNAME:
      return { kind: 'CNAME', target: r.name() };
    case RRType.PTR:
      return { kind: 'PTR', target: r.name() };
    case RRType.MX:
      return { kind: 'MX', preference: r.u16('MX preference'), exchange: r.name() };
    case RRType.TXT: {
      const strings: Buffer[] = [];
      do strings.push(r.bytes(r.u8('TXT length'), 'TXT string'));
      while (r.pos < r.end);
      return { kind: 'TXT', strings };
    }
    case RRType.SOA:
      return {
        kind: 'SOA',
        mname: r.name(),
        rname: r.name(),
        serial: r.u32('SOA serial'),
        refresh: r.u32('SOA refresh'),
        retry: r.u32('SOA retry'),
        expire: r.u32('SOA expire'),
        minimum: r.u32('SOA minimum'),
      };
    case RRType.SRV:
      return {
        kind: 'SRV',
        priority: r.u16('SRV priority'),
        weight: r.u16('SRV weight'),
        port: r.u16('SRV port'),
        target: r.name(),
      };
    case RRType.CAA: {
      const flags = r.u8('CAA flags');
      const tagLength = r.u8('CAA tag length');
      if (tagLength === 0) throw new DnsFormatError('empty CAA tag', r.pos);
      const tag = r.bytes(tagLength, 'CAA tag');
      if (!/^[A-Za-z0-9]+$/.test(tag.toString('latin1'))) {
        throw new DnsFormatError('CAA tag is not alphanumeric', r.pos);
      }
      return { kind: 'CAA', flags, tag: tag.toString('latin1'), value: r.bytes(r.end - r.pos, '') };
    }
    default:
      return { kind: 'unknown', bytes: r.bytes(r.end - r.pos, '') };
  }
}

/**
 * Writes a record's rdata (without the rdlength, which the caller patches).
 *
 * @param w the writer.
 * @param type the record's wire type, checked against `data.kind`.
 * @param data the rdata.
 * @throws {TypeError} when `data.kind` does not match `type`.
 * @throws {RangeError} for an out-of-range field (bad address, string over 255 bytes, …).
 * @example
 * encodeRdata(writer, RRType.MX, { kind: 'MX', preference: 10, exchange: 'mail.example.test' });
 */
export function encodeRdata(w: WireWriter, type: number, data: RData): void {
  if (data.kind !== 'unknown' && RRType[data.kind] !== type) {
    throw new TypeError(`rdata of kind ${data.kind} given for type ${type}`);
  }
  // Names inside rdata are compressed only for the RFC 1035 types below (RFC 3597 §4).
  switch (data.kind) {
    case 'A': {
      const bytes = parseIPv4(data.address);
      if (bytes === null) throw new RangeError(`not an IPv4 address: ${data.address}`);
      w.bytes(bytes);
      return;
    }
    case 'AAAA': {
      const bytes = parseIPv6(data.address);
      if (bytes === null) throw new RangeError(`not an IPv6 address: ${data.address}`);
      w.bytes(bytes);
      return;
    }
    case 'NS':
    case 'CNAME':
    case 'PTR':
      w.name(data.target, true);
      return;
    case 'MX':
      w.u16(u16(data.preference, 'MX preference'));
      w.name(data.exchange, true);
      return;
    case 'TXT':
      if (data.strings.length === 0) throw new RangeError('TXT needs at least one string');
      for (const s of data.strings) {
        if (s.length > 255) throw new RangeError('TXT string over 255 bytes');
        w.u8(s.length);
        w.bytes(s);
      }
      return;
    case 'SOA':
      w.name(data.mname, true);
      w.name(data.rname, true);
      for (const v of [data.serial, data.refresh, data.retry, data.expire, data.minimum]) {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
          throw new RangeError(`SOA field out of range: ${v}`);
        }
        w.u32(v);
      }
      return;
    case 'SRV':
      w.u16(u16(data.priority, 'SRV priority'));
      w.u16(u16(data.weight, 'SRV weight'));
      w.u16(u16(data.port, 'SRV port'));
      w.name(data.target, false); // RFC 2782: SRV targets are never compressed
      return;
    case 'CAA': {
      if (!/^[A-Za-z0-9]{1,255}$/.test(data.tag)) throw new RangeError(`bad CAA tag: ${data.tag}`);
      if (!Number.isInteger(data.flags) || data.flags < 0 || data.flags > 255) {
        throw new RangeError(`CAA flags out of range: ${data.flags}`);
      }
      w.u8(data.flags);
      w.u8(data.tag.length);
      w.bytes(Buffer.from(data.tag, 'latin1'));
      w.bytes(data.value);
      return;
    }
    case 'unknown':
      w.bytes(data.bytes);
      return;
  }
}

function u16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff)
    throw new RangeError(`${what} out of range: ${v}`);
  return v;
}
