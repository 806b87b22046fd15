/**
 * `FtpServerSession`: the FTP control session as the kit's `Connection` drives it — the
 * sans-I/O {@link FtpControlSession} plus what a connection adds to it: the command-rate limit,
 * an `end` event once the session has said its last word, the bytes that arrived while AUTH
 * TLS waited for its handshake, the client's FIN, and replies held while the output queued is
 * over its bound.
 */

import type { ServerSession } from '../../../server/server-session.js';
import type { FtpControlSession } from '../codec/control-session.js';
import type { FtpControlEvent } from '../codec/control-session-types.js';
import type { CommandRate } from './command-rate.js';

/** What `takeOutput()` returns while replies are held. */
const EMPTY = Buffer.alloc(0);

/**
 * The control session's events, and `end`: the session is over (QUIT answered, a flood, too
 * many failed logins, a timeout) — send what is written, then close.
 */
export type FtpServerEvent = FtpControlEvent | { readonly type: 'end' };

/** What {@link FtpServerSession} is built from. */
export interface FtpServerSessionOptions {
  /** The control session. */
  readonly control: FtpControlSession;
  /** The command-rate limit. */
  readonly rate: CommandRate;
  /** Called when the limit refuses a command (for the log). */
  readonly onFlood?: () => void;
  /**
   * Whether the connection's queued output is within its bound (default: always). Over it,
   * replies stay in the session: the kit sends what a handler answered even past the bound, and
   * an FTP answer (a STAT listing) can be as large as the bound's slack.
   */
  readonly outputRoom?: () => boolean;
}

/**
 * A {@link ServerSession} over one {@link FtpControlSession}.
 *
 * @example
 * const session = new FtpServerSession({ control, rate: new CommandRate(200, clock) });
 * session.receiveData(Buffer.from('QUIT\r\n'));
 * session.nextEvent(); // { type: 'quit' }
 * session.nextEvent(); // { type: 'end' }
 */
export class FtpServerSession implements ServerSession<FtpServerEvent> {
  /** The protocol state the events come from. */
  readonly control: FtpControlSession;
  readonly #rate: CommandRate;
  readonly #onFlood: () => void;
  readonly #outputRoom: () => boolean;
  #ended = false;
  #inputEnded = false;
  /** Bytes that came while the TLS handshake of AUTH TLS was due: never commands. */
  #afterAuth: Uint8Array[] = [];

  /**
   * @param options The control session, the rate limit, and the output bound.
   */
  constructor(options: FtpServerSessionOptions) {
    this.control = options.control;
    this.#rate = options.rate;
    this.#onFlood = options.onFlood ?? (() => {});
    this.#outputRoom = options.outputRoom ?? (() => true);
  }

  /** Part of a command line waits for its end. */
  get partialCommand(): boolean {
    return this.control.partialCommand;
  }

  /** Whether the client sent its FIN: nothing more will come. */
  get inputEnded(): boolean {
    return this.#inputEnded;
  }

  /**
   * Whether the connection should read: not while AUTH TLS waits for its handshake, not once
   * the session is over, and not while `maxQueuedCommands` wait (TCP holds the rest).
   */
  get wantsInput(): boolean {
    return this.control.wantsInput;
  }

  /**
   * Feeds the control session and counts its complete commands against the rate: past it the
   * session answers 421 and ends, the commands read dropped.
   */
  receiveData(chunk: Uint8Array): void {
    if (this.control.pendingDecision === 'tls') {
      // The client must wait for 234 before its handshake (RFC 4217 4): these bytes can only
      // be plaintext injected on the path, and must never run as commands.
      this.#afterAuth.push(chunk);
      return;
    }
    const commands = this.control.receiveData(chunk);
    for (let i = 0; i < commands; i++) {
      if (this.#rate.allow()) continue;
      this.#onFlood();
      this.control.refuseFlood();
      return;
    }
  }

  /** The client's FIN: the commands already read are still answered. */
  receiveEnd(): void {
    this.#inputEnded = true;
  }

  /** The control session's next event, then `end` once, when it is over. */
  nextEvent(): FtpServerEvent | null {
    const ev = this.control.nextEvent();
    if (ev !== null) return ev;
    if (!this.control.closed || this.#ended) return null;
    this.#ended = true;
    return { type: 'end' };
  }

  /**
   * The replies written since the last call; none while the output queued is over its bound
   * (they go once the client has read), except a last goodbye (221, 421).
   */
  takeOutput(): Buffer {
    if (!this.control.closed && !this.#outputRoom()) return EMPTY;
    return this.control.takeOutput();
  }

  /**
   * Removes the bytes that arrived after AUTH TLS and before its handshake (for
   * `Connection.startTls`, which refuses to upgrade when there are any).
   */
  takeLeftover(): Uint8Array {
    const parts = this.#afterAuth;
    this.#afterAuth = [];
    return Buffer.concat(parts);
  }
}
