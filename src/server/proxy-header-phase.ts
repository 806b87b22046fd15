/**
 * `readProxyHeader()`: the first phase of a connection on a listener behind a load balancer —
 * the PROXY header is read before anything else (a TLS handshake, a banner), within a deadline
 * and a size bound, and only the header's bytes are taken: what the client sent after it stays
 * in the socket for the protocol.
 */
import { MSG_PEEK, MSG_WAITALL, type Socket, SocketTimeoutError } from '../socket/index.js';
import type { Clock } from './clock.js';
import { PROXY_HEADER_MAX_LENGTH, type ProxyHeader, parseProxyHeader } from './proxy-header.js';

/** Options for {@link readProxyHeader}. */
export interface ProxyHeaderPhaseOptions {
  /** The clock the deadline runs on. */
  readonly clock: Clock;
  /** Seconds the whole header may take to arrive (0: no deadline). */
  readonly timeout: number;
}

/** A header being read. */
export interface ProxyHeaderPhase {
  /**
   * The header once read. Rejects with a `SocketTimeoutError` at the deadline, a
   * {@link ProxyHeaderError} for bytes that are no header (or an end of stream before one),
   * or the socket's error; the socket is closed in every rejection.
   */
  readonly done: Promise<ProxyHeader>;
  /** Gives up now (the listener closing): closes the socket; does nothing once settled. */
  abort(): void;
}

/** The connection's first bytes are not a PROXY header the listener accepts. */
export class ProxyHeaderError extends Error {
  override readonly name = 'ProxyHeaderError';
}

/**
 * Reads the PROXY header from a freshly accepted socket (before the loop owns it). Bytes are
 * peeked until the codec has a whole header, then exactly the header is taken, so a client that
 * pipelines its first command (or its TLS ClientHello) right behind it loses nothing.
 *
 * @param sock the accepted connection, not yet in any loop.
 * @param options the clock and the deadline in seconds.
 * @returns the phase: its outcome and a way to abort it.
 * @example
 * const phase = readProxyHeader(sock, { clock: systemClock, timeout: 10 });
 * const header = await phase.done; // { version: 1, source: ['203.0.113.7', 5000], … }
 */
export function readProxyHeader(sock: Socket, options: ProxyHeaderPhaseOptions): ProxyHeaderPhase {
  let settled = false;
  let stopped: Error | null = null;
  const stop = (reason: Error): void => {
    if (settled || stopped !== null) return;
    stopped = reason;
    // Closing wakes the pending recv, which then rejects; the reason replaces its error.
    sock.close();
  };
  const timer =
    options.timeout > 0
      ? options.clock.setTimer(options.timeout * 1000, () =>
          stop(new SocketTimeoutError({ op: 'recv', net: 'tcp' })),
        )
      : null;
  const read = async (): Promise<ProxyHeader> => {
    sock.settimeout(null);
    let need = 1;
    for (;;) {
      // Wait until `need` bytes are here, then look at all that is (a header comes whole in
      // one segment as a rule: one parse, not one per byte).
      await sock.recv(need, MSG_PEEK | MSG_WAITALL);
      if (stopped !== null) throw stopped;
      const seen = sock.recvNowait(PROXY_HEADER_MAX_LENGTH, MSG_PEEK) ?? Buffer.alloc(0);
      const parsed = parseProxyHeader(seen);
      if (parsed.type === 'error') throw new ProxyHeaderError(parsed.reason);
      if (parsed.type === 'header') {
        await sock.recv(parsed.length, MSG_WAITALL);
        return parsed.header;
      }
      if (seen.length < need) throw new ProxyHeaderError('connection closed before the header');
      need = parsed.need;
    }
  };
  const done = read().then(
    (header) => {
      settled = true;
      timer?.cancel();
      return header;
    },
    (err: unknown) => {
      settled = true;
      timer?.cancel();
      sock.close();
      throw stopped ?? err;
    },
  );
  return {
    done,
    abort: () => stop(new ProxyHeaderError('aborted')),
  };
}
