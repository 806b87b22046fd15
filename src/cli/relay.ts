/**
 * The two relays behind `polyport connect`: a byte stream between stdin/stdout and a TCP (or
 * TLS) socket, and lines of stdin as datagrams with the replies printed.
 */
import type { Readable } from 'node:stream';
import type { CliOutput } from '../protocols/common/cli-command.js';
import { LineSplitter } from '../protocols/common/index.js';
import { SHUT_WR, type Socket } from '../socket/index.js';

/** Why a relay ended without an error. */
export type RelayEnd = 'peer-closed' | 'stdin-ended' | 'output-closed' | 'idle' | 'interrupted';

/** What a relay reads, writes and watches. */
export interface RelayOptions {
  readonly stdin: Readable;
  readonly stdout: CliOutput;
  /** Where warnings go (a line too long for a datagram). */
  readonly stderr: CliOutput;
  /** Seconds without data either way before giving up; `null`: never. */
  readonly idleTimeout: number | null;
  /** Resolves when the user asks to stop. */
  readonly interrupted: Promise<void>;
}

/** Options for {@link relayDatagrams}. */
export interface DatagramRelayOptions extends RelayOptions {
  /** Seconds to wait for late replies after stdin ends (default 1). */
  readonly linger?: number;
}

/** The largest UDP payload over IPv4 (65535 - 8 bytes of UDP header - 20 of IP). */
export const MAX_DATAGRAM = 65507;

/**
 * Relays a connected stream socket, as netcat does: stdin to the socket and the socket to
 * stdout. At the end of stdin it shuts down its sending side (`SHUT_WR`, the peer reads end
 * of stream) and keeps printing what the peer sends; it ends when the peer closes.
 *
 * @param sock a connected `SOCK_STREAM` socket (plain or TLS); the caller closes it.
 * @param options the streams, an idle timeout and the interrupt signal.
 * @returns `'peer-closed'`, `'output-closed'` (stdout is gone), `'idle'` or `'interrupted'`.
 * @throws {SocketError} (rejects) when the connection fails (reset by the peer, say).
 * @example
 * const end = await relayStream(sock, { stdin, stdout, stderr, idleTimeout: null, interrupted });
 */
export async function relayStream(sock: Socket, options: RelayOptions): Promise<RelayEnd> {
  const idle = idleWatch(options.idleTimeout);
  let finished = false;
  const fromPeer = (async (): Promise<RelayEnd> => {
    for (;;) {
      const data = await sock.recv(65536);
      if (data.length === 0) return 'peer-closed';
      idle.touch();
      if (!(await writeTo(options.stdout, data))) return 'output-closed';
    }
  })();
  const toPeer = (async (): Promise<RelayEnd> => {
    for await (const chunk of options.stdin) {
      if (finished) break;
      idle.touch();
      await sock.sendall(toBytes(chunk));
    }
    if (!finished) sock.shutdown(SHUT_WR);
    // Keep relaying the other way: the race below ends when the peer closes.
    return new Promise<RelayEnd>(() => {});
  })();
  try {
    return await Promise.race([
      fromPeer,
      toPeer,
      idle.expired,
      options.interrupted.then(() => 'interrupted' as const),
    ]);
  } finally {
    finished = true;
    idle.stop();
    // A send still in flight may fail once the caller closes the socket; that is expected.
    toPeer.catch(() => {});
    fromPeer.catch(() => {});
  }
}

/**
 * Relays datagrams on a connected `SOCK_DGRAM` socket: each line of stdin (without its line
 * ending) is sent as one datagram, and each datagram received is printed, followed by a line
 * feed unless it ends with one. After stdin ends it waits `linger` seconds past the last reply
 * for late ones.
 *
 * @param sock a connected datagram socket; the caller closes it.
 * @param options the streams, timeouts and the interrupt signal.
 * @returns `'stdin-ended'`, `'output-closed'`, `'idle'` or `'interrupted'`.
 * @throws {SocketError} (rejects) when the socket fails (`ECONNREFUSED` from an ICMP reply).
 * @example
 * await relayDatagrams(sock, { stdin, stdout, stderr, idleTimeout: null, interrupted, linger: 1 });
 */
export async function relayDatagrams(
  sock: Socket,
  options: DatagramRelayOptions,
): Promise<RelayEnd> {
  const idle = idleWatch(options.idleTimeout);
  const linger = idleWatch(null);
  let finished = false;
  const fromPeer = (async (): Promise<RelayEnd> => {
    for (;;) {
      const data = await sock.recv(65536);
      idle.touch();
      linger.touch();
      const line = data.at(-1) === 0x0a ? data : Buffer.concat([data, LF]);
      if (!(await writeTo(options.stdout, line))) return 'output-closed';
    }
  })();
  const toPeer = (async (): Promise<RelayEnd> => {
    const lines = new LineSplitter({ maxLineLength: MAX_DATAGRAM });
    const send = async (line: Buffer): Promise<void> => {
      idle.touch();
      await sock.send(line);
    };
    for await (const chunk of options.stdin) {
      if (finished) return 'interrupted';
      lines.push(toBytes(chunk));
      for (let event = lines.next(); event !== null; event = lines.next()) {
        if (event.type === 'line') await send(event.line);
        else {
          options.stderr.write(
            `polyport connect: a line of ${event.length} bytes does not fit in a datagram (${MAX_DATAGRAM} at most); not sent\n`,
          );
        }
      }
    }
    const rest = lines.takeBuffered();
    if (rest.length > 0 && rest.length <= MAX_DATAGRAM) await send(rest);
    // From here the linger time alone decides: the idle timeout would cut it short.
    idle.stop();
    linger.restart(options.linger ?? 1);
    return linger.expired.then(() => 'stdin-ended' as const);
  })();
  try {
    return await Promise.race([
      fromPeer,
      toPeer,
      idle.expired,
      options.interrupted.then(() => 'interrupted' as const),
    ]);
  } finally {
    finished = true;
    idle.stop();
    linger.stop();
    toPeer.catch(() => {});
    fromPeer.catch(() => {});
  }
}

const LF = Buffer.from('\n');

function toBytes(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
}

/**
 * Writes and waits until the stream took the bytes, so a slow stdout slows the socket.
 * @returns false when the output is gone (`| head` exited: EPIPE), which ends the relay.
 */
function writeTo(out: CliOutput, data: Uint8Array): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    // The error also comes as an 'error' event; without a listener it would crash the process.
    const swallow = (): void => {};
    out.once('error', swallow);
    out.write(data, (err) => {
      // Leave the listener a tick: the event is emitted after this callback.
      setImmediate(() => out.off('error', swallow));
      resolve(err === undefined || err === null);
    });
  });
}

/** A timer that resolves `expired` after `seconds` without a `touch()`. */
function idleWatch(seconds: number | null) {
  let resolveExpired: (end: 'idle') => void = () => {};
  const expired = new Promise<'idle'>((resolve) => {
    resolveExpired = resolve;
  });
  let timer: NodeJS.Timeout | null = null;
  const restart = (s: number | null): void => {
    if (timer !== null) clearTimeout(timer);
    timer = s === null ? null : setTimeout(() => resolveExpired('idle'), s * 1000);
  };
  restart(seconds);
  return {
    expired,
    restart,
    touch: (): void => {
      timer?.refresh();
    },
    stop: (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
