/**
 * A growable output buffer for the encoder, with the name-compression table (RFC 1035 §4.1.4).
 */

const MAX_MESSAGE = 65535;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/**
 * Shared scratch space and suffix table: encoding is synchronous and a writer is finished before
 * the next one starts, so one buffer and one Map serve every call without allocating.
 */
let scratch = Buffer.allocUnsafe(4096);
const sharedSuffixes = new Map<string, number>();

/**
 * Writes a DNS message. Names written through {@link WireWriter.name} are remembered by suffix
 * so later names can point at them; the table is case-sensitive so every name keeps the case it
 * was given (RFC 4343 §4).
 *
 * @example
 * const w = new WireWriter();
 * w.u16(0x1234);
 * w.name('example.test', true);
 * const bytes = w.finish();
 */
export class WireWriter {
  #buf: Buffer;
  /** Bytes written so far. */
  pos = 0;
  /** Suffix text → offset * 256 + the suffix's wire length (so length checks need no lookup). */
  readonly #suffixes = sharedSuffixes;

  /** Starts a message. Creating a writer invalidates any other writer not yet finished. */
  constructor() {
    this.#buf = scratch;
    this.#suffixes.clear();
  }

  #ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.#buf.length) return;
    if (need > MAX_MESSAGE) throw new RangeError('DNS message would exceed 65535 bytes');
    const grown = Buffer.allocUnsafe(Math.min(MAX_MESSAGE, Math.max(need, this.#buf.length * 2)));
    this.#buf.copy(grown, 0, 0, this.pos);
    this.#buf = scratch = grown;
  }

  /** Writes one byte. */
  u8(v: number): void {
    this.#ensure(1);
    this.#buf[this.pos++] = v;
  }

  /** Writes a 16-bit big-endian integer. */
  u16(v: number): void {
    this.#ensure(2);
    this.#buf[this.pos++] = v >>> 8;
    this.#buf[this.pos++] = v & 0xff;
  }

  /** Writes a 32-bit big-endian unsigned integer. */
  u32(v: number): void {
    this.#ensure(4);
    this.#buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Writes raw bytes. */
  bytes(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Overwrites a 16-bit value at `at` (an rdlength or a section count). */
  patch16(at: number, v: number): void {
    this.#buf[at] = v >>> 8;
    this.#buf[at + 1] = v & 0xff;
  }

  /** A view of the bytes written so far (valid until the next write). */
  view(start = 0, end = this.pos): Buffer {
    return this.#buf.subarray(start, end);
  }

  /** Returns a copy of everything written: the scratch buffer is reused by the next encode. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.#buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /**
   * Writes a presentation name, pointing at an earlier copy of its longest known suffix when
   * `compress` is true. Every name written is remembered either way, since any earlier bytes
   * may be pointed at.
   *
   * @throws {RangeError} for an empty label, a label over 63 octets, a name over 255 octets.
   */
  name(name: string, compress: boolean): void {
    if (name === '.' || name === '') {
      this.u8(0);
      return;
    }
    const text =
      name.charCodeAt(name.length - 1) === DOT && !escapedAt(name, name.length - 1)
        ? name.slice(0, -1)
        : name;
    const starts: number[] = [];
    const lengths: number[] = [];
    const suffixes: string[] = [];
    let start = 0;
    let wire = 1;
    while (start < text.length) {
      const suffix = start === 0 ? text : text.slice(start);
      const known = compress ? this.#suffixes.get(suffix) : undefined;
      if (known !== undefined) {
        wire += (known % 256) - 1;
        if (wire > 255) throw new RangeError(`name over 255 octets: ${text.slice(0, 40)}…`);
        this.u16(0xc000 | Math.floor(known / 256));
        this.#remember(suffixes, starts, lengths, wire);
        return;
      }
      suffixes.push(suffix);
      starts.push(this.pos);
      const end = this.#label(text, start);
      const len = this.#buf[starts[starts.length - 1]!]!;
      lengths.push(len);
      wire += len + 1;
      if (wire > 255) throw new RangeError(`name over 255 octets: ${text.slice(0, 40)}…`);
      start = end + 1;
    }
    this.u8(0);
    this.#remember(suffixes, starts, lengths, wire);
  }

  /** Records every suffix of the name just written whose labels were written here. */
  #remember(suffixes: string[], starts: number[], lengths: number[], wire: number): void {
    for (let i = 0; i < starts.length; i++) {
      const offset = starts[i]!;
      if (offset < 0x4000) {
        const suffix = suffixes[i]!;
        if (!this.#suffixes.has(suffix)) this.#suffixes.set(suffix, offset * 256 + wire);
      }
      wire -= lengths[i]! + 1;
    }
  }

  /** Writes the label of `text` starting at `start`; returns the index of its ending dot. */
  #label(text: string, start: number): number {
    let end = start;
    let escaped = false;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (c === BACKSLASH) {
        if (end + 1 >= text.length) throw new RangeError(`name ends in a backslash: ${text}`);
        escaped = true;
        end++;
      } else if (c === DOT) {
        break;
      }
    }
    if (end === start) throw new RangeError(`empty label in name ${JSON.stringify(text)}`);
    const lenAt = this.pos;
    this.#ensure(1 + (end - start) * 4);
    let p = lenAt + 1;
    if (!escaped) {
      p += this.#buf.write(text.slice(start, end), p, 'utf8');
    } else {
      for (let i = start; i < end; i++) {
        let c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          const d = text.slice(i + 1, i + 4);
          if (/^\d{3}$/.test(d)) {
            c = Number(d);
            if (c > 255) throw new RangeError(`bad \\DDD escape in ${text}`);
            i += 3;
            this.#buf[p++] = c;
            continue;
          }
          i++;
          c = text.charCodeAt(i);
        }
        if (c < 0x80) this.#buf[p++] = c;
        else {
          const cp = text.codePointAt(i)!;
          if (cp > 0xffff) i++;
          p += this.#buf.write(String.fromCodePoint(cp), p, 'utf8');
        }
      }
    }
    const len = p - lenAt - 1;
    if (len > 63) throw new RangeError(`label over 63 octets in ${text}`);
    this.#buf[lenAt] = len;
    this.pos = p;
    return end;
  }
}

function escapedAt(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) n++;
  return n % 2 === 1;
}
