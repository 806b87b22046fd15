/**
 * Bytes → {@link DnsMessage} (RFC 1035 §4.1, RFC 6891 §6.1 for the OPT record).
 */
import { RRType } from './constants.js';
import { DnsFormatError } from './errors.js';
import type { DnsMessage, DnsQuestion, Edns, EdnsOptionData } from './message.js';
import { type DnsRecord, decodeRdata } from './rdata.js';
import { WireReader } from './wire-reader.js';

/** Length of the fixed header. */
export const HEADER_LENGTH = 12;

/** Options for {@link decodeMessage}. */
export interface DecodeOptions {
  /**
   * Reject bytes after the last record the header counts (default false: ignored, as most
   * clients do with responses). A server decoding a query sets it: BIND answers such a query
   * FORMERR, and answering it as if the bytes were not there hides a client's bug or a probe.
   */
  readonly rejectTrailing?: boolean;
}

/**
 * Decodes a whole DNS message. Bytes after the last record are ignored unless
 * `options.rejectTrailing` is set.
 *
 * @param bytes the message (a UDP datagram, or a TCP message without its length prefix).
 * @param options what to do with trailing bytes.
 * @returns the message.
 * @throws {DnsFormatError} when the message is truncated or malformed: bad names or pointers,
 * rdata of the wrong size, an OPT record outside the additional section or more than one, or
 * bytes after the last record when `rejectTrailing` is set.
 * @example
 * const msg = decodeMessage(datagram);
 * msg.questions[0]?.name; // 'www.example.test'
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): DnsMessage {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const r = new WireReader(buf);
  if (buf.length < HEADER_LENGTH) throw new DnsFormatError('message shorter than a header', 0);
  const id = r.u16('header');
  const f1 = r.u8('header');
  const f2 = r.u8('header');
  const qd = r.u16('header');
  const an = r.u16('header');
  const ns = r.u16('header');
  const ar = r.u16('header');
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd; i++) {
    questions.push({ name: r.name(), type: r.u16('question'), class: r.u16('question') });
  }
  const state: { edns: Edns | null; extended: number } = { edns: null, extended: 0 };
  const answers = readSection(r, an, null);
  const authorities = readSection(r, ns, null);
  const additionals = readSection(r, ar, state);
  if (options.rejectTrailing === true && r.pos !== buf.length) {
    throw new DnsFormatError(`${buf.length - r.pos} bytes after the last record`, r.pos);
  }
  return {
    id,
    qr: (f1 & 0x80) !== 0,
    opcode: (f1 >> 3) & 0x0f,
    aa: (f1 & 0x04) !== 0,
    tc: (f1 & 0x02) !== 0,
    rd: (f1 & 0x01) !== 0,
    ra: (f2 & 0x80) !== 0,
    z: (f2 & 0x40) !== 0,
    ad: (f2 & 0x20) !== 0,
    cd: (f2 & 0x10) !== 0,
    rcode: (state.extended << 4) | (f2 & 0x0f),
    questions,
    answers,
    authorities,
    additionals,
    edns: state.edns,
  };
}

/** Reads `count` records; `opt` is non-null only for the additional section, where OPT may be. */
function readSection(
  r: WireReader,
  count: number,
  opt: { edns: Edns | null; extended: number } | null,
): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const name = r.name();
    const type = r.u16('record header');
    const klass = r.u16('record header');
    const ttl = r.u32('record header');
    const length = r.u16('record header');
    r.need(length, 'rdata');
    const end = r.pos + length;
    if (type === RRType.OPT) {
      if (opt === null) throw new DnsFormatError('OPT record outside the additional section', at);
      if (opt.edns !== null) throw new DnsFormatError('more than one OPT record', at);
      if (name !== '.') throw new DnsFormatError('OPT record owner is not the root', at);
      opt.edns = {
        udpPayloadSize: klass,
        version: (ttl >>> 16) & 0xff,
        dnssecOk: (ttl & 0x8000) !== 0,
        flags: ttl & 0x7fff,
        options: readOptions(r, end),
      };
      opt.extended = ttl >>> 24;
      continue;
    }
    r.end = end;
    const data = decodeRdata(r, type);
    r.end = r.buf.length;
    // RFC 2181 §8: a TTL with the top bit set is treated as zero.
    out.push({ name, type, class: klass, ttl: ttl > 0x7fffffff ? 0 : ttl, data });
  }
  return out;
}

function readOptions(r: WireReader, end: number): EdnsOptionData[] {
  const options: EdnsOptionData[] = [];
  r.end = end;
  while (r.pos < end) {
    const code = r.u16('EDNS option');
    const length = r.u16('EDNS option');
    options.push({ code, data: r.bytes(length, 'EDNS option data') });
  }
  r.end = r.buf.length;
  return options;
}
