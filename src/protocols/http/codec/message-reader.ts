/**
 * The state machine both HTTP/1.1 parsers share: head lines, body framing, chunked decoding,
 * pipelining and the hand-back of unparsed bytes. Rule: every state transition lives here; the
 * request and response parsers only interpret the head.
 */
import { LineSplitter } from '../../common/line-splitter.js';
import { parseChunkSizeLine } from './chunk-size-line.js';
import { parseFieldLine } from './head-lines.js';
import { HeadMemo } from './head-memo.js';
import { HeadScanner, type ScannedHead } from './head-scanner.js';
import { HttpHeaders } from './http-headers.js';
import type { DataEvent, EndEvent, HeadOutcome, MessageLimits } from './message-events.js';
import { ParseFailure } from './parse-failure.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** Room on a chunk-size line for the size itself (leading zeros included) and BWS. */
const CHUNK_SIZE_ROOM = 64;

type State =
  | 'head'
  | 'length'
  | 'close-body'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'end'
  | 'done'
  | 'failed';

const EMPTY_TRAILERS = new HttpHeaders([]);
/** The end of every message without trailers: one shared, immutable event. */
const END_WITHOUT_TRAILERS: EndEvent = Object.freeze({ type: 'end', trailers: EMPTY_TRAILERS });

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive safe integer, got ${value}`);
  }
  return value;
}

/**
 * Base of `RequestParser` and `ResponseParser`. Heads are found by the {@link HeadScanner};
 * chunk-size and trailer lines go through the shared {@link LineSplitter}; body bytes bypass
 * both and are handed out as zero-copy slices.
 *
 * @example
 * // Used through its subclasses:
 * new RequestParser().receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 */
export abstract class MessageReader<H, E> {
  readonly #maxStartLineLength: number;
  readonly #maxHeaderBytes: number;
  readonly #maxHeaderCount: number;
  readonly #maxBodySize: number;
  readonly #maxChunkExt: number;
  readonly #lines: LineSplitter;
  #scanner: HeadScanner | null = null;
  /** The last head decoded and its bytes, when {@link memoizesHeads}. */
  #memo: HeadMemo<HeadOutcome<H>> | null = null;
  /** True while input goes to the line splitter, false while it queues as raw bytes. */
  #lineMode = false;
  /** Bytes in the splitter not yet returned as lines, and the last of them. */
  #lineBytes = 0;
  #lastLineByte = -1;
  #queue: Buffer[] = [];
  #state: State = 'head';
  #flat: string[] = [];
  #fieldBytes = 0;
  #remaining = 0;
  #bodyBytes = 0;
  #crSeen = false;
  #keepAlive = true;
  #stopAfter = false;
  #eof = false;

  /**
   * @param limits The limits; see {@link MessageLimits}.
   * @throws {RangeError} When a limit is not a positive safe integer.
   */
  constructor(limits: MessageLimits) {
    this.#maxStartLineLength = positive('maxStartLineLength', limits.maxStartLineLength, 8192);
    this.#maxHeaderBytes = positive('maxHeaderBytes', limits.maxHeaderBytes, 16384);
    this.#maxHeaderCount = positive('maxHeaderCount', limits.maxHeaderCount, 100);
    this.#maxBodySize = positive('maxBodySize', limits.maxBodySize, 1024 ** 3);
    this.#maxChunkExt = positive('maxChunkExtensionLength', limits.maxChunkExtensionLength, 1024);
    const longest = Math.max(this.#maxHeaderBytes, CHUNK_SIZE_ROOM + this.#maxChunkExt);
    // Our own per-state limits always fire before the splitter starts discarding.
    this.#lines = new LineSplitter({ maxLineLength: longest + 2 });
  }

  /** The head scanner, made on first use because subclass policies are not set in super(). */
  #headScanner(): HeadScanner {
    this.#scanner ??= new HeadScanner({
      maxStartLineLength: this.#maxStartLineLength,
      maxHeaderBytes: this.#maxHeaderBytes,
      maxHeaderCount: this.#maxHeaderCount,
      skipsLeadingEmptyLines: this.skipsLeadingEmptyLines,
      unfoldsObsFold: this.unfoldsObsFold,
      startLineTooLong: () => this.startLineTooLong(),
    });
    return this.#scanner;
  }

  /** Interprets a complete head; throws {@link ParseFailure} to reject it. */
  protected abstract onHead(head: ScannedHead): HeadOutcome<H>;
  /** Builds the error event for a failure. */
  protected abstract errorEvent(failure: ParseFailure): E;
  /** The failure for a start line over the limit. */
  protected abstract startLineTooLong(): ParseFailure;
  /** Whether empty lines before a start line are skipped (RFC 9112 2.2, requests). */
  protected abstract readonly skipsLeadingEmptyLines: boolean;
  /** Whether obs-fold is replaced by SP (responses) rather than rejected (requests). */
  protected abstract readonly unfoldsObsFold: boolean;
  /**
   * Whether the last head is remembered with its bytes, so the same head again (a keep-alive
   * client repeating a request) is not decoded again. Off by default: response heads carry a
   * `Date`, so they seldom repeat.
   */
  protected readonly memoizesHeads: boolean = false;
  /** Called when a message ends, before the next one starts. */
  protected onMessageEnd(): void {}

  /**
   * Adds received bytes. Nothing is parsed until {@link nextEvent} is called.
   *
   * @param chunk Bytes from the connection; it is referenced, not copied, so do not reuse it.
   */
  receiveData(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.#state === 'failed' || this.#eof) return;
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#lineMode) {
      this.#lines.push(bytes);
      this.#lineBytes += bytes.length;
      this.#lastLineByte = bytes[bytes.length - 1]!;
    } else {
      this.#queue.push(bytes);
    }
  }

  /**
   * Tells the parser the peer closed its side. A body read until close ends; a message cut
   * short becomes an `error`; between messages the parser simply finishes.
   */
  connectionClosed(): void {
    this.#eof = true;
  }

  /**
   * Removes and returns the bytes received but not parsed: after a CONNECT or an upgrade, or
   * after a message that closes the connection, they belong to whoever takes over.
   *
   * @returns The unparsed bytes (possibly empty).
   */
  takeBuffered(): Buffer {
    const parts: Buffer[] = [];
    if (this.#lineMode) {
      parts.push(this.#lines.takeBuffered());
      this.#lineBytes = 0;
    }
    parts.push(...this.#queue);
    this.#queue = [];
    // Offsets into a half-scanned head would point into bytes that are gone.
    this.#scanner?.reset();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * Whether the parser sits between messages with no byte of the next one received: a server
   * uses it to stop its header-read (slowloris) timer only when nothing is half-sent.
   */
  get idle(): boolean {
    if (this.#state === 'done') return true;
    if (this.#state !== 'head') return false;
    for (const part of this.#queue) if (part.length > 0) return false;
    return true;
  }

  /** Whether the parser stopped for good: after an error, a closing message or a tunnel. */
  get finished(): boolean {
    return this.#state === 'done' || this.#state === 'failed';
  }

  /**
   * Parses on and returns the next event, or `null` when more input is needed.
   *
   * @returns A head event, `data`, `end`, one final `error`, or `null`.
   */
  nextEvent(): H | DataEvent | EndEvent | E | null {
    if (this.#state === 'done' || this.#state === 'failed') return null;
    try {
      return this.#step();
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      this.#state = 'failed';
      this.#lines.takeBuffered();
      this.#queue = [];
      return this.errorEvent(error);
    }
  }

  #step(): H | DataEvent | EndEvent | null {
    for (;;) {
      switch (this.#state) {
        case 'head': {
          const buf = this.#coalesce();
          if (buf === null) return this.#needMore();
          const memo = this.#memo;
          const known = memo === null ? -1 : memo.match(buf);
          if (known > 0 && memo !== null) {
            // The same bytes as the last head: the same outcome, without scanning. A scan
            // that stopped half-way for want of bytes is dropped (these bytes complete it).
            this.#scanner?.reset();
            this.#queue = known < buf.length ? [buf.subarray(known)] : [];
            return this.#enterBody(memo.outcome);
          }
          const head = this.#headScanner().scan(buf);
          if (head === null) return this.#needMore();
          // A lone request (what a keep-alive client sends) leaves nothing: no empty view.
          this.#queue = head.length < buf.length ? [buf.subarray(head.length)] : [];
          const outcome = this.onHead(head);
          if (!outcome.interim && this.memoizesHeads) {
            this.#memo ??= new HeadMemo();
            this.#memo.remember(buf, head.length, outcome);
          }
          return this.#enterBody(outcome);
        }
        case 'trailers': {
          const line = this.#readLine(
            this.#maxHeaderBytes - this.#fieldBytes - 2,
            () => new ParseFailure(431, 'Trailer section too large'),
          );
          if (line === null) return this.#needMore();
          this.#fieldBytes += line.length + 2;
          if (line.length === 0) {
            this.#state = 'end';
            return this.#endMessage(new HttpHeaders(this.#flat));
          }
          this.#addTrailer(line);
          continue;
        }
        case 'end':
          return this.#endMessage(EMPTY_TRAILERS);
        case 'length': {
          const data = this.#takeBytes(this.#remaining);
          if (data === null) return this.#needMore();
          this.#remaining -= data.length;
          if (this.#remaining === 0) this.#state = 'end';
          return { type: 'data', data };
        }
        case 'close-body': {
          const data = this.#takeBytes(Number.POSITIVE_INFINITY);
          if (data !== null) {
            this.#bodyBytes += data.length;
            if (this.#bodyBytes > this.#maxBodySize) throw new ParseFailure(413, 'Body too large');
            return { type: 'data', data };
          }
          if (!this.#eof) return null;
          this.#state = 'end';
          continue;
        }
        case 'chunk-size': {
          const line = this.#readLine(
            CHUNK_SIZE_ROOM + this.#maxChunkExt,
            () => new ParseFailure(400, 'Chunk size line too long'),
          );
          if (line === null) return this.#needMore();
          const size = parseChunkSizeLine(
            line,
            this.#maxBodySize - this.#bodyBytes,
            this.#maxChunkExt,
          );
          this.#bodyBytes += size;
          if (size === 0) {
            this.#flat = [];
            this.#fieldBytes = 0;
            this.#state = 'trailers';
          } else {
            this.#remaining = size;
            this.#toBytes();
            this.#state = 'chunk-data';
          }
          continue;
        }
        case 'chunk-data': {
          const data = this.#takeBytes(this.#remaining);
          if (data === null) return this.#needMore();
          this.#remaining -= data.length;
          if (this.#remaining === 0) {
            this.#state = 'chunk-crlf';
            this.#crSeen = false;
          }
          return { type: 'data', data };
        }
        case 'chunk-crlf': {
          const byte = this.#takeByte();
          if (byte === -1) return this.#needMore();
          if (!this.#crSeen && byte === CR) {
            this.#crSeen = true;
            continue;
          }
          if (!this.#crSeen || byte !== LF) {
            throw new ParseFailure(400, 'Missing CRLF after chunk data');
          }
          this.#toLines();
          this.#state = 'chunk-size';
          continue;
        }
        default:
          return null;
      }
    }
  }

  /** Reads one CRLF-terminated line within `budget` bytes, or returns `null` for more input. */
  #readLine(budget: number, overflow: () => ParseFailure): Buffer | null {
    const ev = this.#lines.next();
    if (ev === null) {
      // A partial line already longer than allowed fails now, not when (if ever) its LF comes;
      // a trailing CR may still be its terminator, so it does not count.
      const least = this.#lineBytes - (this.#lastLineByte === CR ? 1 : 0);
      if (this.#lineBytes > 0 && least > budget) throw overflow();
      return null;
    }
    if (ev.type === 'too-long') throw overflow();
    const line = ev.line;
    this.#lineBytes -= line.length + (ev.ending === 'crlf' ? 2 : 1);
    if (line.length > budget) throw overflow();
    if (ev.ending === 'lf') throw new ParseFailure(400, 'Bare LF');
    if (line.indexOf(CR) !== -1) throw new ParseFailure(400, 'Bare CR');
    return line;
  }

  #addTrailer(line: Buffer): void {
    const first = line[0];
    if (first === SP || first === HTAB) throw new ParseFailure(400, 'Obsolete line folding');
    if (this.#flat.length >> 1 >= this.#maxHeaderCount) {
      throw new ParseFailure(431, 'Too many trailer fields');
    }
    parseFieldLine(line.toString('latin1'), 0, line.length, this.#flat);
  }

  #enterBody(outcome: HeadOutcome<H>): H {
    if (outcome.interim) {
      this.#state = outcome.stopAfter ? 'done' : 'head';
      return outcome.event;
    }
    this.#keepAlive = outcome.keepAlive;
    this.#stopAfter = outcome.stopAfter;
    this.#bodyBytes = 0;
    if (outcome.kind === 'length') {
      const length = outcome.length ?? 0;
      if (length > this.#maxBodySize) throw new ParseFailure(413, 'Body too large');
      this.#remaining = length;
      this.#state = 'length';
    } else if (outcome.kind === 'chunked') {
      this.#toLines();
      this.#state = 'chunk-size';
    } else if (outcome.kind === 'close') {
      this.#state = 'close-body';
    } else {
      this.#state = 'end';
    }
    return outcome.event;
  }

  #endMessage(trailers: HttpHeaders): EndEvent {
    this.onMessageEnd();
    this.#toBytes();
    if (this.#keepAlive && !this.#stopAfter) {
      this.#state = 'head';
    } else {
      this.#state = 'done';
    }
    return trailers === EMPTY_TRAILERS ? END_WITHOUT_TRAILERS : { type: 'end', trailers };
  }

  #needMore(): null {
    if (!this.#eof) return null;
    if (this.#state === 'head') {
      const buffered = this.#queue.length === 0 ? 0 : this.#queue[0]!.length;
      if (this.#headScanner().isIdle(buffered)) {
        this.#state = 'done';
        return null;
      }
    }
    throw new ParseFailure(400, 'Connection closed mid-message');
  }

  /** Joins the queued input into one buffer (the head scanner needs contiguous bytes). */
  #coalesce(): Buffer | null {
    const queue = this.#queue;
    if (queue.length === 0) return null;
    if (queue.length > 1) this.#queue = [Buffer.concat(queue)];
    return this.#queue[0]!;
  }

  #takeBytes(max: number): Buffer | null {
    const first = this.#queue[0];
    if (first === undefined) return null;
    if (first.length <= max) {
      this.#queue.shift();
      return first;
    }
    this.#queue[0] = first.subarray(max);
    return first.subarray(0, max);
  }

  #takeByte(): number {
    const first = this.#queue[0];
    if (first === undefined) return -1;
    if (first.length === 1) this.#queue.shift();
    else this.#queue[0] = first.subarray(1);
    return first[0]!;
  }

  #toBytes(): void {
    if (!this.#lineMode) return;
    const rest = this.#lines.takeBuffered();
    this.#lineBytes = 0;
    this.#queue = rest.length > 0 ? [rest] : [];
    this.#lineMode = false;
  }

  #toLines(): void {
    if (this.#lineMode) return;
    for (const part of this.#queue) {
      this.#lines.push(part);
      this.#lineBytes += part.length;
      this.#lastLineByte = part[part.length - 1]!;
    }
    this.#queue = [];
    this.#lineMode = true;
  }
}
