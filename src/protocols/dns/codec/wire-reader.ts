/**
 * A cursor over a DNS message for the decoder: bounds-checked integer reads and name
 * decompression that refuses loops and forward pointers.
 */
import { DnsFormatError } from './errors.js';
import { labelToText } from './name.js';

/**
 * Reads big-endian integers, byte runs and (compressed) names from a message, throwing
 * {@link DnsFormatError} instead of reading past the end.
 *
 * @example
 * const r = new WireReader(bytes);
 * const id = r.u16();
 */
export class WireReader {
  /** The whole message: compression pointers are offsets into it. */
  readonly buf: Buffer;
  /** Next byte to read. */
  pos: number;
  /** Reads stop here (the end of the current rdata, or of the message). */
  end: number;

  /**
   * @param buf the message.
   * @param pos where to start reading.
   */
  constructor(buf: Buffer, pos = 0) {
    this.buf = buf;
    this.pos = pos;
    this.end = buf.length;
  }

  /** Throws unless `n` more bytes are there. */
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new DnsFormatError(`truncated ${what}`, this.pos);
  }

  /** Reads one byte. */
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  /** Reads a 16-bit big-endian integer. */
  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** Reads a 32-bit big-endian unsigned integer. */
  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Returns the next `n` bytes as a copy, so decoded data never aliases the input. */
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /**
   * Reads a domain name, following compression pointers (RFC 1035 §4.1.4). Each pointer must
   * point strictly before the start of the labels that led to it, which rules out loops and
   * forward references; a pointer past the end of the message is "out of range".
   */
  name(): string {
    const buf = this.buf;
    let pos = this.pos;
    let segmentStart = pos;
    let resume = -1;
    let wireLength = 1;
    let name = '';
    for (;;) {
      // Labels may not run past the current rdata, but pointers may reach the whole message.
      const limit = resume === -1 ? this.end : buf.length;
      if (pos >= limit) throw new DnsFormatError('truncated name', pos);
      const len = buf[pos]!;
      if (len === 0) {
        pos++;
        break;
      }
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (pos + 1 >= limit) throw new DnsFormatError('truncated compression pointer', pos);
        const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
        if (resume === -1) resume = pos + 2;
        if (target >= buf.length) {
          throw new DnsFormatError(`compression pointer out of range (${target})`, pos);
        }
        if (target >= segmentStart) {
          throw new DnsFormatError(`compression pointer loop or forward pointer (${target})`, pos);
        }
        pos = segmentStart = target;
        continue;
      }
      if (kind !== 0) throw new DnsFormatError(`unsupported label type 0x${len.toString(16)}`, pos);
      if (pos + 1 + len > limit) throw new DnsFormatError('truncated label', pos);
      wireLength += len + 1;
      if (wireLength > 255) throw new DnsFormatError('name longer than 255 octets', pos);
      const label = labelToText(buf, pos + 1, pos + 1 + len);
      name = name === '' ? label : `${name}.${label}`;
      pos += 1 + len;
    }
    this.pos = resume === -1 ? pos : resume;
    return name === '' ? '.' : name;
  }
}
