/**
 * `FingerSession`: a finger connection (RFC 1288) as a sans-I/O session for the kit's
 * `Connection` — one query in, one reply out.
 */
import type { ServerSession } from '../../../server/server-session.js';
import { FingerQueryReader } from './finger-query-reader.js';
import type { FingerParseResult, FingerQueryOptions } from './parse-query.js';

/**
 * One query per connection: the query (or its refusal) is the one event; the reply is
 * written with {@link reply}. Until the query has arrived a request is in progress, so the
 * read timeout runs from the first byte to the line end.
 *
 * @example
 * const session = new FingerSession();
 * session.receiveData(Buffer.from('alice\r\n'));
 * session.nextEvent(); // { type: 'user', verbose: false, user: 'alice' }
 * session.reply(Buffer.from('Login: alice\r\n'));
 * session.takeOutput(); // the reply's bytes
 */
export class FingerSession implements ServerSession<FingerParseResult> {
  readonly #reader: FingerQueryReader;
  #output: Uint8Array[] = [];

  /** @param options The length limit of the query (`maxQueryLength`). */
  constructor(options: FingerQueryOptions = {}) {
    this.#reader = new FingerQueryReader(options);
  }

  receiveData(chunk: Uint8Array): void {
    this.#reader.receiveData(chunk);
  }

  /** A client may close its side instead of sending CRLF: what it sent is the query. */
  receiveEnd(): void {
    this.#reader.receiveEnd();
  }

  nextEvent(): FingerParseResult | null {
    return this.#reader.nextEvent();
  }

  takeOutput(): Buffer {
    const out =
      this.#output.length === 1 ? Buffer.from(this.#output[0]!) : Buffer.concat(this.#output);
    this.#output = [];
    return out;
  }

  /** The query is still on its way (the read timeout runs meanwhile). */
  get partialCommand(): boolean {
    return !this.#reader.done;
  }

  /** Writes the reply (the handler closes the connection once it is out). */
  reply(bytes: Uint8Array): void {
    this.#output.push(bytes);
  }
}
