/**
 * `serverHandshake()`: the server's side of a TLS handshake, with a deadline and a way to give
 * up. One of these runs for every TLS port connection and every STARTTLS, STLS or AUTH TLS, so
 * a peer that never finishes its handshake holds its descriptor for `timeout` at most.
 */
import {
  type Socket,
  SocketTimeoutError,
  type SSLContext,
  SSLError,
  type SSLSocket,
} from '../socket/index.js';
import type { Clock } from './clock.js';

/** Options for {@link serverHandshake}. */
export interface ServerHandshakeOptions {
  /** A server context with a certificate loaded. */
  readonly context: SSLContext;
  /** The clock the deadline runs on. */
  readonly clock: Clock;
  /** Seconds the handshake may take (0: no deadline). */
  readonly timeout: number;
}

/** A handshake under way. */
export interface ServerHandshake {
  /**
   * The TLS socket once the handshake is done. Rejects with a `SocketTimeoutError`
   * (`ETIMEDOUT`) at the deadline, an `SSLError` when the handshake fails or `abort()` is
   * called (`ECANCELED`); in every rejection both the TLS and the plain socket are closed.
   */
  readonly done: Promise<SSLSocket>;
  /** Gives up now (a channel closed, a server shutting down); does nothing once settled. */
  abort(): void;
}

/**
 * Starts a server-side handshake on a connected plain socket. The plain socket is detached at
 * once (`SSLContext.wrapSocket`): from here on only `abort()` or the deadline can free it.
 *
 * @param plain The connected socket (out of any loop: TLS owns the stream now).
 * @param options The context, the clock and the deadline in seconds.
 * @returns The handshake: its outcome and a way to abort it.
 * @example
 * const handshake = serverHandshake(sock, { context, clock: systemClock, timeout: 10 });
 * server.onClose(() => handshake.abort());
 * const secure = await handshake.done; // rejects with SocketTimeoutError after 10 s
 */
export function serverHandshake(plain: Socket, options: ServerHandshakeOptions): ServerHandshake {
  const controller = new AbortController();
  let settled = false;
  const timer =
    options.timeout > 0
      ? options.clock.setTimer(options.timeout * 1000, () => {
          controller.abort(new SocketTimeoutError({ op: 'handshake', net: 'tls' }));
        })
      : null;
  const done = options.context
    .wrapSocket(plain, { serverSide: true, signal: controller.signal })
    .finally(() => {
      settled = true;
      timer?.cancel();
    });
  return {
    done,
    abort: () => {
      if (settled) return;
      const detail = 'TLS handshake aborted';
      controller.abort(new SSLError('ECANCELED', { op: 'handshake', net: 'tls', detail }));
    },
  };
}
