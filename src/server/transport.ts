/**
 * `Transport`: what the kit's connection asks of whatever carries its bytes — a socket on the
 * dispatch loop ({@link ChannelTransport}) or, in tests, an in-memory recorder
 * (`StringTransport` from `polyport/testing`). A protocol's code sees only this, so a session
 * can be driven without a network.
 */
import type { Producer } from '../dispatch/index.js';
import type { SSLContext } from '../socket/index.js';

/** How {@link Transport.write} may treat the caller's bytes. */
export interface WriteOptions {
  /**
   * The buffer is handed over: queued uncopied, so the caller must not change it afterwards
   * (a fresh buffer, sent and dropped). Without it the bytes are copied when they must wait.
   */
  readonly owned?: boolean;
}

/** The phases a transport times out, each with its own limit (see `ServerLimits`). */
export type TimeoutPhase = 'idle' | 'read' | 'write';

/**
 * One connection's byte stream, with the kit's bookkeeping behind it: byte counts, the phase
 * timeouts, output bounds and TLS upgrades.
 *
 * @example
 * transport.write('220 ready\r\n');
 * transport.pauseReading(); // a handler is busy: TCP makes the client wait
 */
export interface Transport {
  /** The peer, formatted for logs: `127.0.0.1:5000`, `[::1]:5000`. */
  readonly peer: string;
  /** The peer's address as the socket reports it (`[host, port]`, a path), or null. */
  readonly peerAddress: unknown;
  /** Whether the bytes travel over TLS now. */
  readonly secure: boolean;
  /** Bytes queued and not yet taken by the socket (producers count by their declared size). */
  readonly queuedBytes: number;
  /** Whether output is still queued. */
  readonly outputPending: boolean;
  /** Whether the transport is closed (or closing with nothing more to read). */
  readonly closed: boolean;

  /** Sets who hears of the transport's data, progress, timeouts and end (the `Connection`). */
  attach(handler: TransportHandler): void;
  /** Queues bytes and sends what the socket takes now (a string is sent as UTF-8). */
  write(data: Uint8Array | string, options?: WriteOptions): void;
  /**
   * Queues a producer, pulled only when the socket has room.
   * @param size the bytes it will produce, when known: they count in `queuedBytes` at once.
   */
  writeProducer(producer: Producer, size?: number): void;
  /** Sends the end of the stream (FIN, and close_notify under TLS) once the queue is out. */
  shutdownWrite(): void;
  /** Stops reading: the peer's bytes wait in the kernel, and TCP slows it down. */
  pauseReading(): void;
  /** Reads again after {@link pauseReading}. */
  resumeReading(): void;

  /** A request has begun: it must be complete within the read timeout. */
  requestStarted(): void;
  /** Part of a request's body arrived: no gap between pieces may exceed the read timeout. */
  requestProgress(): void;
  /** The request is complete: the idle timeout applies again. */
  requestFinished(): void;
  /** Counts as activity for the idle timeout (a transfer elsewhere, say). */
  touch(): void;

  /**
   * Switches to TLS in place (STARTTLS, STLS, AUTH TLS) within the handshake timeout; call it
   * once the positive reply is out.
   * @returns true when the connection now speaks TLS; false when it was closed instead.
   */
  startTls(context: SSLContext): Promise<boolean>;
  /** Closes once everything queued so far is sent. */
  closeWhenDone(): void;
  /** Closes now; queued output is dropped. */
  close(): void;
  /** Closes with a reset (RST): queued output is dropped, the descriptor freed at once. */
  abort(): void;
}

/** What a transport tells the one that drives it. Every method is called on the loop. */
export interface TransportHandler {
  /** Bytes arrived. They are the handler's: the transport keeps no reference to them. */
  dataReceived(data: Buffer): void;
  /** The socket took queued output (the queue may not be empty yet: see `outputPending`). */
  writeProgress(): void;
  /**
   * A phase ran out of time. The handler says goodbye in its protocol's words (and closes, or
   * not: a transfer in progress may keep the connection); it returns false to let the
   * transport do its default (close; for `write`, reset).
   */
  timedOut(phase: TimeoutPhase): boolean;
  /**
   * The peer ended its sending side (a FIN) with the connection otherwise sound. Return true to
   * keep it half-open while replies still go out (nothing more is read, and the handler closes
   * it, normally with `closeWhenDone()`), false to close it now.
   */
  inputEnded(): boolean;
  /**
   * The connection is gone: the peer closed (`error` null: a clean end of stream), it was reset
   * or failed (`error` says how), or it was closed from this side. Called once.
   */
  connectionLost(error: Error | null): void;
}
