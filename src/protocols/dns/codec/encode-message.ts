/**
 * {@link DnsMessage} → bytes, with name compression and, given a size limit, truncation that
 * drops whole RRsets and sets TC (RFC 1035 §4.2.1, RFC 2181 §9, RFC 6891 §7, RFC 9471).
 */
import { RRType } from './constants.js';
import type { DnsMessage, Edns } from './message.js';
import { canonicalName } from './name.js';
import { type DnsRecord, encodeRdata } from './rdata.js';
import { WireWriter } from './wire-writer.js';

/** Options for {@link encodeMessage}. */
export interface EncodeOptions {
  /**
   * Largest message to produce. When the full message is larger, whole RRsets are dropped from
   * the end (additional, then authority, then answer) and TC is set if anything but optional
   * additional data had to go. The OPT record is always kept. Default: no limit (65535).
   */
  readonly maxSize?: number;
}

/**
 * Encodes a message. Names in the question, owner names and the names inside NS, CNAME, PTR,
 * MX and SOA rdata are compressed; SRV targets are not (RFC 2782).
 *
 * @param message the message.
 * @param options a size limit for UDP responses.
 * @returns the wire bytes (a fresh buffer).
 * @throws {RangeError} for an out-of-range field, a malformed name, an rcode above 15 without
 * EDNS, or a message over 65535 bytes.
 * @throws {TypeError} when a record's `data.kind` does not match its `type`.
 * @example
 * const bytes = encodeMessage(response, { maxSize: 512 });
 */
export function encodeMessage(message: DnsMessage, options: EncodeOptions = {}): Buffer {
  if (message.rcode > 15 && message.edns === null) {
    throw new RangeError(`rcode ${message.rcode} needs EDNS`);
  }
  const w = new WireWriter();
  w.u16(message.id);
  w.u8(flags1(message, message.tc));
  w.u8(
    (message.ra ? 0x80 : 0) |
      (message.z ? 0x40 : 0) |
      (message.ad ? 0x20 : 0) |
      (message.cd ? 0x10 : 0) |
      (message.rcode & 0x0f),
  );
  w.u16(message.questions.length);
  w.u16(message.answers.length);
  w.u16(message.authorities.length);
  w.u16(message.additionals.length + (message.edns === null ? 0 : 1));
  for (const q of message.questions) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  const questionsEnd = w.pos;
  const records = [...message.answers, ...message.authorities, ...message.additionals];
  const ends: number[] = [];
  for (const record of records) {
    writeRecord(w, record);
    ends.push(w.pos);
  }
  const optStart = w.pos;
  if (message.edns !== null) writeOpt(w, message.edns, message.rcode);
  const limit = options.maxSize ?? 65535;
  if (w.pos <= limit) return w.finish();
  return truncate(w, message, records, ends, questionsEnd, optStart, limit);
}

function flags1(m: DnsMessage, tc: boolean): number {
  return (
    (m.qr ? 0x80 : 0) |
    ((m.opcode & 0x0f) << 3) |
    (m.aa ? 0x04 : 0) |
    (tc ? 0x02 : 0) |
    (m.rd ? 0x01 : 0)
  );
}

function writeRecord(w: WireWriter, record: DnsRecord): void {
  w.name(record.name, true);
  w.u16(record.type);
  w.u16(record.class);
  if (!Number.isInteger(record.ttl) || record.ttl < 0 || record.ttl > 0xffffffff) {
    throw new RangeError(`TTL out of range: ${record.ttl}`);
  }
  w.u32(record.ttl);
  const lengthAt = w.pos;
  w.u16(0);
  encodeRdata(w, record.type, record.data);
  const length = w.pos - lengthAt - 2;
  if (length > 0xffff) throw new RangeError('rdata over 65535 bytes');
  w.patch16(lengthAt, length);
}

function writeOpt(w: WireWriter, edns: Edns, rcode: number): void {
  w.u8(0);
  w.u16(RRType.OPT);
  w.u16(edns.udpPayloadSize);
  w.u8(rcode >>> 4);
  w.u8(edns.version);
  w.u16((edns.dnssecOk ? 0x8000 : 0) | (edns.flags & 0x7fff));
  const lengthAt = w.pos;
  w.u16(0);
  for (const option of edns.options) {
    w.u16(option.code);
    w.u16(option.data.length);
    w.bytes(option.data);
  }
  w.patch16(lengthAt, w.pos - lengthAt - 2);
}

/**
 * Cuts the encoded message after the last RRset that fits, then re-appends the OPT record.
 * Compression pointers only point backwards, so any prefix of the records stays valid, and the
 * OPT record (owner `.`, no pointers) can move.
 */
function truncate(
  w: WireWriter,
  message: DnsMessage,
  records: readonly DnsRecord[],
  ends: readonly number[],
  questionsEnd: number,
  optStart: number,
  limit: number,
): Buffer {
  const opt = Buffer.from(w.view(optStart));
  let keep = 0;
  for (let i = 0; i < records.length; i++) {
    if (ends[i]! + opt.length > limit) break;
    if (endsRRset(message, records, i)) keep = i + 1;
  }
  const an = message.answers.length;
  const ns = message.authorities.length;
  // A referral's glue is required data (RFC 9471): losing it also needs TC.
  const referral = !message.aa && an === 0 && message.authorities.some((r) => r.type === RRType.NS);
  const tc = message.tc || keep < an + ns || (referral && keep < records.length);
  let cut = keep === 0 ? questionsEnd : ends[keep - 1]!;
  let withOpt = opt.length > 0;
  if (cut + opt.length > limit) withOpt = false;
  if (cut > limit) cut = questionsEnd;
  const out = Buffer.allocUnsafe(cut + (withOpt ? opt.length : 0));
  w.view(0, cut).copy(out, 0);
  if (withOpt) opt.copy(out, cut);
  out[2] = flags1(message, tc);
  out.writeUInt16BE(Math.min(keep, an), 6);
  out.writeUInt16BE(Math.max(0, Math.min(keep - an, ns)), 8);
  out.writeUInt16BE(Math.max(0, keep - an - ns) + (withOpt ? 1 : 0), 10);
  return out;
}

/** Whether record `i` is the last of its RRset (same section, owner, type and class). */
function endsRRset(message: DnsMessage, records: readonly DnsRecord[], i: number): boolean {
  const next = records[i + 1];
  if (next === undefined) return true;
  const a = message.answers.length;
  const b = a + message.authorities.length;
  if (i + 1 === a || i + 1 === b) return true;
  const r = records[i]!;
  return (
    next.type !== r.type ||
    next.class !== r.class ||
    canonicalName(next.name) !== canonicalName(r.name)
  );
}
