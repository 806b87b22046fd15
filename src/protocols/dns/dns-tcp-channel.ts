/**
 * `DnsTcpChannel`: one DNS-over-TCP connection (RFC 1035 §4.2.2, RFC 7766) — many queries per
 * connection, pipelined, each answered in the order it came.
 */
import type { ChannelSocket } from '../../dispatch/index.js';
import { pendingOutputBound } from '../../server/limits.js';
import { ServerChannel, type ServerChannelOptions } from '../../server/server-channel.js';
import { hostOf } from './address-list.js';
import type { DnsQueryHandler } from './dns-query-handler.js';
import { DnsTcpFramer, frame } from './tcp-framer.js';

/** Options of a {@link DnsTcpChannel} beyond the server channel's. */
export interface DnsTcpChannelOptions extends ServerChannelOptions {
  /** Answers the queries. */
  readonly handler: DnsQueryHandler;
  /** Queries read but not yet answered before the channel stops reading (default 64). */
  readonly maxPipelined?: number;
}

/** A query's place in the answer order: its answer once known, `undefined` while pending. */
interface Slot {
  answer: Buffer | null | undefined;
}

/**
 * A server connection speaking DNS over TCP. Answers leave in query order (RFC 7766 §7 allows
 * any order; in-order is simpler for clients and costs little, since forwarded answers are the
 * only slow ones). A peer that half-closes still gets the answers to what it sent; a peer that
 * resets gets nothing more, and its connection ends at once.
 *
 * @example
 * TcpListener.open({ address, createChannel: ({ socket, release }) =>
 *   new DnsTcpChannel(socket, { release, handler }) });
 */
export class DnsTcpChannel extends ServerChannel {
  readonly #handler: DnsQueryHandler;
  readonly #framer: DnsTcpFramer;
  readonly #maxPipelined: number;
  readonly #slots: Slot[] = [];
  /** The peer sent end of stream (or we decided to stop): finish the answers, then close. */
  #ending = false;
  /** Queries already read wait in the framer: the pipeline or the output was full. */
  #held = false;
  /** Inside {@link #takeQueries} (a push from it must not start another). */
  #taking = false;
  readonly #maxPending: number;

  /**
   * @param sock the accepted connection.
   * @param options the handler, limits, observer, clock and map.
   */
  constructor(sock: ChannelSocket, options: DnsTcpChannelOptions) {
    super(sock, options);
    this.#handler = options.handler;
    this.#maxPipelined = options.maxPipelined ?? 64;
    this.#maxPending = pendingOutputBound(this.limits);
    this.#framer = new DnsTcpFramer({
      maxMessageSize: Math.max(12, Math.min(65535, this.limits.maxRequestSize)),
    });
    // The client speaks first: a connection that never sends its first query is held to
    // readTimeout, not idleTimeout (RFC 7766 §6.2.3 asks for a short idle timeout at the start).
    this.requestStarted();
  }

  override readable(): boolean {
    return (
      !this.#ending && !this.#held && this.#slots.length < this.#maxPipelined && !this.outputPending
    );
  }

  override collectIncomingData(data: Buffer): void {
    if (this.#ending) return;
    this.#framer.receiveData(data);
    this.#takeQueries();
  }

  /**
   * Whether another query may be taken: fewer than `maxPipelined` unanswered, and the answers
   * queued within `limits.maxPendingOutput`. When not, the rest waits in the framer.
   */
  #hasRoom(): boolean {
    if (this.#slots.length < this.#maxPipelined && this.queuedBytes <= this.#maxPending) {
      return true;
    }
    this.#held = true;
    return false;
  }

  /**
   * Answers the queries read, one message at a time while there is room: one read holding
   * 1,000 queries from a client that reads nothing must not queue 1,000 answers.
   */
  #takeQueries(): void {
    this.#held = false;
    this.#taking = true;
    try {
      while (!this.#ending && this.socket !== null && this.#hasRoom()) {
        const ev = this.#framer.nextEvent();
        if (ev === null) break;
        if (ev.type !== 'too-large') {
          this.#query(ev.message);
          this.#sendReady();
          continue;
        }
        // Nothing sensible can answer a message over our limit: stop reading, finish, close.
        this.observer.log?.('info', 'DNS message over the size limit', {
          peer: this.peer,
          length: ev.length,
        });
        this.#ending = true;
        break;
      }
    } finally {
      this.#taking = false;
    }
    // Half a message sitting in the buffer starts the slow-client clock (readTimeout); whole
    // ones we hold back do not.
    if (this.#framer.bufferedLength > 0 && !this.#ending && !this.#held) this.requestStarted();
    else this.requestFinished();
    this.#flush();
  }

  /** Takes the held queries once there is room again (an answer came, or output drained). */
  #resume(): void {
    if (this.#held && !this.#taking && this.socket !== null && this.#hasRoom()) {
      this.#takeQueries();
    }
  }

  /** Sends what the socket takes; back under the bound, the held queries are taken. */
  override initiateSend(): void {
    super.initiateSend();
    this.#resume();
  }

  #query(message: Buffer): void {
    const slot: Slot = { answer: undefined };
    this.#slots.push(slot);
    const answer = this.#handler.handle(message, 'tcp', this.peer, hostOf(this.addr));
    if (answer instanceof Promise) {
      answer.then(
        (late) => {
          slot.answer = late;
          this.#flush();
          this.#resume();
        },
        (err: unknown) => {
          this.observer.error?.(err, this.peer);
          slot.answer = null;
          this.#flush();
          this.#resume();
        },
      );
    } else slot.answer = answer;
  }

  /** Sends the answers at the head of the queue that are ready, in order. */
  #sendReady(): void {
    while (this.#slots.length > 0 && this.#slots[0]!.answer !== undefined) {
      const answer = this.#slots.shift()!.answer;
      // A query that got silence (not DNS) gets no answer; the stream goes on.
      if (answer !== null && answer !== undefined) this.push(frame(answer));
    }
  }

  /** Sends the ready answers; once ending and all answered, closes after them. */
  #flush(): void {
    if (this.socket === null) return;
    this.#sendReady();
    if (this.#ending && this.#slots.length === 0) this.closeWhenDone();
    else this.wake();
  }

  override handleWrite(): void {
    super.handleWrite();
    if (!this.outputPending) this.wake();
  }

  override handleClose(): void {
    // Called for the peer's end of stream and for closeWhenDone(): wait for pending answers.
    // After a reset nobody is left to read them: close at once, not when a slow forwarded
    // answer comes in (up to the forwarder's timeout, holding a connection slot meanwhile).
    if (this.#slots.length === 0 || this.socket === null || this.closeError !== null) {
      this.close();
      return;
    }
    this.#ending = true;
  }

  override onReadTimeout(): void {
    this.observer.log?.('info', 'read timeout', { peer: this.peer });
    this.close();
  }
}
