/**
 * `DnsTcpSession`: DNS over TCP (RFC 1035 §4.2.2, RFC 7766) as a sans-I/O session for the
 * kit's `Connection` — length-framed queries in, one event each, framed answers out.
 */
import type { ServerSession } from '../../../server/server-session.js';
import { type DnsTcpEvent, DnsTcpFramer, type DnsTcpFramerOptions, frame } from './tcp-framer.js';

/**
 * What a {@link DnsTcpSession} reports: a query, an over-long message, or (once, after the
 * client's FIN and every whole query before it) the end of the client's input.
 */
export type DnsTcpSessionEvent = DnsTcpEvent | { readonly type: 'end' };

/**
 * One DNS-over-TCP connection's protocol state. Each complete query is one `message` event
 * (without its length prefix); the answer written with {@link answer} goes out framed. A
 * message over `maxMessageSize` is one `too-large` event, after which the session reads and
 * reports nothing more: nothing sensible can answer it, so the connection finishes and closes.
 * The client's FIN ends the stream: queries already whole are still reported, then one `end`
 * event (a handler with answers still on their way waits for them there); half a query is
 * dropped.
 *
 * @example
 * const session = new DnsTcpSession();
 * session.receiveData(frame(query));
 * const ev = session.nextEvent(); // { type: 'message', message: query }
 * session.answer(reply);
 * session.takeOutput(); // frame(reply)
 */
export class DnsTcpSession implements ServerSession<DnsTcpSessionEvent> {
  readonly #framer: DnsTcpFramer;
  #output: Buffer[] = [];
  /** An over-long message was reported: the stream is abandoned. */
  #stopped = false;
  /** The client sent its FIN: no more bytes will come. */
  #ended = false;
  #endReported = false;

  /**
   * @param options the largest message accepted (`maxMessageSize`, 12..65535).
   * @throws {RangeError} when `maxMessageSize` is outside 12..65535.
   */
  constructor(options: DnsTcpFramerOptions = {}) {
    this.#framer = new DnsTcpFramer(options);
  }

  receiveData(chunk: Uint8Array): void {
    if (!this.#stopped) this.#framer.receiveData(chunk);
  }

  /** The client's FIN: the queries already whole are answered; a half-sent one never will be. */
  receiveEnd(): void {
    this.#ended = true;
  }

  nextEvent(): DnsTcpSessionEvent | null {
    if (this.#stopped) return null;
    const ev = this.#framer.nextEvent();
    if (ev?.type === 'too-large') {
      this.#stopped = true;
      this.#framer.takeBuffered();
    }
    if (ev === null && this.#ended && !this.#endReported) {
      this.#endReported = true;
      return { type: 'end' };
    }
    return ev;
  }

  /**
   * Writes an answer, framed; answers go out in the order written (the handler keeps them in
   * the order of their queries).
   *
   * @param message an encoded DNS message.
   * @throws {RangeError} when it is longer than 65535 bytes.
   */
  answer(message: Uint8Array): void {
    this.#output.push(frame(message));
  }

  takeOutput(): Buffer {
    const out = this.#output.length === 1 ? this.#output[0]! : Buffer.concat(this.#output);
    this.#output = [];
    return out;
  }

  /** Part of a query is waiting for the rest (the read timeout runs meanwhile). */
  get partialCommand(): boolean {
    return !this.#stopped && !this.#ended && this.#framer.partialMessage;
  }
}
