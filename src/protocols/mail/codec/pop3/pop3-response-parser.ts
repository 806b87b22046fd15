/**
 * The client side of POP3 responses (RFC 1939 §3): status lines, `+ ` continuations (RFC 5034)
 * and dot-stuffed multi-line bodies, streamed.
 */

import { LineSplitter } from '../../../common/line-splitter.js';
import { DotDecoder } from '../dot-decoder.js';

/** How the client expects the response to the command it sent to look. */
export type Pop3ResponseKind = 'single' | 'multi';

/** One result of {@link Pop3ResponseParser.nextEvent}. */
export type Pop3ResponseEvent =
  /** The status line. `code` is an RFC 2449 response code such as `IN-USE`, or `null`. */
  | {
      readonly type: 'status';
      readonly ok: boolean;
      readonly code: string | null;
      readonly text: string;
    }
  /** A SASL continuation `+ base64` (RFC 5034); the expectation stays queued. */
  | { readonly type: 'continuation'; readonly text: string }
  /** Body content of a multi-line `+OK`, unstuffed, with CRLF line endings. */
  | { readonly type: 'data'; readonly chunk: Buffer }
  /** The terminating dot of a multi-line body. */
  | { readonly type: 'end' }
  /** The server sent something that is not POP3; the connection should be closed. */
  | { readonly type: 'error'; readonly reason: 'syntax' | 'too-long' | 'unexpected' };

/** Options for {@link Pop3ResponseParser}. */
export interface Pop3ResponseParserOptions {
  /** Longest status line, CRLF excluded. Default 1024 (RFC 2449: 512). */
  readonly maxStatusLength?: number;
  /** Longest body line, CRLF excluded. Default 65536: real mail has long lines. */
  readonly maxBodyLineLength?: number;
}

const STATUS = /^(\+OK|-ERR)(?: (.*))?$/s;
const CODE = /^\[([A-Za-z0-9/-]+)\] ?(.*)$/s;
const CRLF = Buffer.from('\r\n');

/**
 * Parses a POP3 server's responses. The client says what it expects for each command it sends
 * (`expect('multi')` for RETR, TOP, CAPA, LIST and UIDL without argument), in order, so
 * pipelined commands work. A multi-line body streams as `data` events; over-long lines end the
 * session with an error rather than being cut silently.
 *
 * @example
 * const replies = new Pop3ResponseParser();
 * replies.expect('multi');
 * replies.receiveData(Buffer.from('+OK\r\n..dot\r\n.\r\n'));
 * replies.nextEvent(); // { type: 'status', ok: true, code: null, text: '' }
 * replies.nextEvent(); // { type: 'data', chunk: <'.dot\r\n'> }
 * replies.nextEvent(); // { type: 'end' }
 */
export class Pop3ResponseParser {
  readonly #bodyLimit: number;
  readonly #lines: LineSplitter;
  #body: DotDecoder | null = null;
  #expected: Pop3ResponseKind[] = [];
  #failed = false;

  /**
   * @param options Line limits.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: Pop3ResponseParserOptions = {}) {
    this.#bodyLimit = options.maxBodyLineLength ?? 65536;
    if (!Number.isSafeInteger(this.#bodyLimit) || this.#bodyLimit < 1) {
      throw new RangeError(`maxBodyLineLength must be a positive integer, got ${this.#bodyLimit}`);
    }
    this.#lines = new LineSplitter({ maxLineLength: options.maxStatusLength ?? 1024 });
  }

  /**
   * Queues the shape of the next response, once per command sent.
   * @param kind `multi` for commands whose `+OK` carries a body.
   */
  expect(kind: Pop3ResponseKind): void {
    this.#expected.push(kind);
  }

  /** Adds bytes received from the server. */
  receiveData(chunk: Uint8Array): void {
    if (this.#failed) return;
    if (this.#body !== null) this.#body.push(chunk);
    else this.#lines.push(chunk);
  }

  /** Returns the next event, an error (after which nothing more), or `null` for more input. */
  nextEvent(): Pop3ResponseEvent | null {
    if (this.#failed) return null;
    if (this.#body !== null) return this.#bodyEvent(this.#body);
    const ev = this.#lines.next();
    if (ev === null) return null;
    if (ev.type === 'too-long') return this.#fail('too-long');
    const text = ev.line.toString('utf8');
    if (text === '+' || text.startsWith('+ ')) return { type: 'continuation', text: text.slice(2) };
    const match = STATUS.exec(text);
    if (match === null) return this.#fail('syntax');
    const kind = this.#expected.shift();
    if (kind === undefined) return this.#fail('unexpected');
    const ok = match[1] === '+OK';
    const rest = match[2] ?? '';
    const coded = CODE.exec(rest);
    if (ok && kind === 'multi') {
      this.#body = new DotDecoder({ maxLineLength: this.#bodyLimit });
      this.#body.push(this.#lines.takeBuffered());
    }
    return {
      type: 'status',
      ok,
      code: coded === null ? null : coded[1]!.toUpperCase(),
      text: coded === null ? rest : coded[2]!,
    };
  }

  /**
   * Removes and returns the bytes received but not yet parsed, for the switch to TLS after
   * `+OK` to STLS: a server sends nothing more in the clear, so anything here was injected.
   * @returns The unparsed bytes (empty while inside a multi-line body, which is not left).
   */
  takeBuffered(): Buffer {
    return this.#body === null ? this.#lines.takeBuffered() : Buffer.alloc(0);
  }

  #bodyEvent(body: DotDecoder): Pop3ResponseEvent | null {
    const parts: Buffer[] = [];
    while (!body.ended && parts.length < 512) {
      const ev = body.next();
      if (ev === null || ev.type === 'end') break;
      if (ev.type === 'too-long') return this.#fail('too-long');
      parts.push(ev.line, CRLF);
    }
    if (parts.length > 0) return { type: 'data', chunk: Buffer.concat(parts) };
    if (!body.ended) return null;
    this.#body = null;
    this.#lines.push(body.takeBuffered());
    return { type: 'end' };
  }

  #fail(reason: 'syntax' | 'too-long' | 'unexpected'): Pop3ResponseEvent {
    this.#failed = true;
    return { type: 'error', reason };
  }
}
