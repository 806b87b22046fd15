/**
 * The content of one SMTP DATA (RFC 5321 §4.1.1.4): dot-unstuffed, line endings normalised,
 * size and line length enforced while it streams.
 */
import { DotDecoder } from '../dot-decoder.js';
import type { SmtpAbortReason } from './smtp-server-types.js';

/** Options for {@link SmtpDataReader}. */
export interface SmtpDataReaderOptions {
  /** Longest wire line, CRLF excluded. */
  readonly maxDataLineLength: number;
  /** Largest message in octets, counted after unstuffing with CRLF line endings. */
  readonly maxMessageSize: number;
  /** Largest `data` chunk returned. */
  readonly dataChunkSize: number;
  /** Bare CR/LF: rewrite as CRLF, or refuse the message. */
  readonly bareNewlines: 'normalize' | 'reject';
}

/** One result of {@link SmtpDataReader.next}. */
export type SmtpDataReaderEvent =
  | { readonly type: 'data'; readonly chunk: Buffer }
  /** The message is refused; later content is read and dropped until the end. */
  | { readonly type: 'abort'; readonly reason: SmtpAbortReason }
  /** The terminating dot; `aborted` says whether the message was refused before it. */
  | { readonly type: 'end'; readonly size: number; readonly aborted: SmtpAbortReason | null };

/** Lines may exceed the RFC limit this far and still have their ending known (see DotDecoder). */
const SPLITTER_LIMIT = 65536;
const CRLF = Buffer.from('\r\n');

/**
 * Reads one message body after the 354 reply. Content is joined into chunks of up to
 * `dataChunkSize` octets so a large message is never held whole; once a limit trips, no more
 * data is returned and the rest is drained to the final dot.
 *
 * @example
 * const reader = new SmtpDataReader({ maxDataLineLength: 998, maxMessageSize: 1024,
 *   dataChunkSize: 65536, bareNewlines: 'normalize' });
 * reader.push(Buffer.from('Hi\r\n.\r\n'));
 * reader.next(); // { type: 'data', chunk: <'Hi\r\n'> }
 * reader.next(); // { type: 'end', size: 4, aborted: null }
 */
export class SmtpDataReader {
  readonly #o: SmtpDataReaderOptions;
  readonly #dot: DotDecoder;
  #size = 0;
  #aborted: SmtpAbortReason | null = null;
  #endSeen = false;
  #finished = false;

  constructor(options: SmtpDataReaderOptions) {
    this.#o = options;
    this.#dot = new DotDecoder({
      maxLineLength: Math.max(options.maxDataLineLength, SPLITTER_LIMIT),
    });
  }

  /** Adds received bytes. */
  push(chunk: Uint8Array): void {
    this.#dot.push(chunk);
  }

  /** Returns content, an abort, the end, or `null` when more input is needed (or after the end). */
  next(): SmtpDataReaderEvent | null {
    if (this.#finished) return null;
    const parts: Buffer[] = [];
    let bytes = 0;
    while (!this.#endSeen && bytes < this.#o.dataChunkSize) {
      const ev = this.#dot.next();
      if (ev === null) break;
      if (ev.type === 'end') {
        this.#endSeen = true;
        break;
      }
      if (this.#aborted !== null) continue;
      let reason: SmtpAbortReason | null = null;
      if (
        ev.type === 'too-long' ||
        ev.line.length + (ev.stuffed ? 1 : 0) > this.#o.maxDataLineLength
      ) {
        reason = 'line-too-long';
      } else {
        const bare = ev.ending === 'lf' || ev.line.includes(0x0d);
        if (bare && this.#o.bareNewlines === 'reject') {
          reason = 'bare-newline';
        } else {
          // A bare CR becomes a line break too, so stored mail holds only CRLF line endings.
          const line = bare
            ? Buffer.from(ev.line.toString('latin1').replace(/\r/g, '\r\n'), 'latin1')
            : ev.line;
          this.#size += line.length + 2;
          if (this.#size > this.#o.maxMessageSize) reason = 'size';
          else {
            parts.push(line, CRLF);
            bytes += line.length + 2;
          }
        }
      }
      if (reason !== null) {
        this.#aborted = reason;
        return { type: 'abort', reason };
      }
    }
    if (parts.length > 0) return { type: 'data', chunk: Buffer.concat(parts, bytes) };
    if (!this.#endSeen) return null;
    this.#finished = true;
    return { type: 'end', size: this.#size, aborted: this.#aborted };
  }

  /** Removes and returns the bytes after the final dot (pipelined commands). */
  takeBuffered(): Buffer {
    return this.#dot.takeBuffered();
  }
}
