/**
 * The server side of a finger connection's input: one query line, then nothing more.
 */

import { LineSplitter } from '../../common/line-splitter.js';
import {
  type FingerParseResult,
  type FingerQueryOptions,
  maxQueryLength,
  parseQuery,
  refusal,
} from './parse-query.js';

/** Room for the CRLF after a query of the longest allowed length. */
const LINE_ENDING_BYTES = 2;
const CR = 0x0d;

/**
 * Pull-style reader for the single query a finger connection carries (RFC 1288 section 2.1:
 * the client sends one line, the server answers and closes). Feed bytes with `receiveData()`,
 * then call `nextEvent()`: it gives the query once, as soon as its line is complete. An
 * over-long query is refused as soon as the limit is passed, without waiting for a line end
 * that a hostile client may never send.
 *
 * @example
 * const reader = new FingerQueryReader();
 * reader.receiveData(Buffer.from('/W ali'));
 * reader.nextEvent(); // null: the line is not complete
 * reader.receiveData(Buffer.from('ce\r\n'));
 * reader.nextEvent(); // { type: 'user', verbose: true, user: 'alice' }
 * reader.nextEvent(); // null: one query per connection
 */
export class FingerQueryReader {
  readonly #options: FingerQueryOptions;
  readonly #max: number;
  readonly #lines: LineSplitter;
  #received = 0;
  #ended = false;
  #result: FingerParseResult | null = null;
  #delivered = false;

  /**
   * @param options The length limit (`maxQueryLength`, default 512).
   * @throws {RangeError} If `maxQueryLength` is not a positive integer.
   */
  constructor(options: FingerQueryOptions = {}) {
    this.#max = maxQueryLength(options);
    this.#options = { maxQueryLength: this.#max };
    this.#lines = new LineSplitter({ maxLineLength: this.#max });
  }

  /** Whether the query has been given out; later input is ignored. */
  get done(): boolean {
    return this.#delivered;
  }

  /** Adds received bytes. Bytes after the query line are ignored. */
  receiveData(chunk: Uint8Array): void {
    if (this.#result !== null || this.#ended) return;
    this.#received += chunk.length;
    this.#lines.push(chunk);
  }

  /**
   * Tells the reader the client closed its sending side. A query without a line end is then
   * taken as it is, as many servers do for clients that close instead of sending CRLF.
   */
  receiveEnd(): void {
    this.#ended = true;
  }

  /** Returns the query (or its refusal) once, or `null` when more input is needed or after. */
  nextEvent(): FingerParseResult | null {
    if (this.#delivered) return null;
    this.#result ??= this.#parse();
    if (this.#result === null) return null;
    this.#delivered = true;
    return this.#result;
  }

  #parse(): FingerParseResult | null {
    const event = this.#lines.next();
    if (event?.type === 'line') return parseQuery(event.line, this.#options);
    if (event?.type === 'too-long') return refusal('too-long');
    // Every byte so far belongs to the first line, so the count alone says it is too long.
    if (this.#received > this.#max + LINE_ENDING_BYTES) return refusal('too-long');
    if (!this.#ended) return null;
    let rest = this.#lines.takeBuffered();
    // Bytes were received but none are buffered: the splitter was discarding an over-long line.
    if (rest.length === 0) return refusal(this.#received > 0 ? 'too-long' : 'incomplete');
    if (rest[rest.length - 1] === CR) rest = rest.subarray(0, -1);
    return parseQuery(rest, this.#options);
  }
}
