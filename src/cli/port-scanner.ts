/**
 * The TCP connect scan behind `polyport scan`: `connectEx()` on each port, a bounded number at
 * a time.
 */
import { constants } from 'node:os';
import { SOCK_STREAM, socket } from '../socket/index.js';

/**
 * What a port did: `open` accepted the connection, `closed` refused it (RST), `filtered` gave
 * no answer in time or was unreachable, `error` failed on our side (out of file descriptors…).
 */
export type PortState = 'open' | 'closed' | 'filtered' | 'error';

/** The outcome for one port. */
export interface PortResult {
  readonly port: number;
  readonly state: PortState;
  /** `connectEx()`'s result: 0 when open, else the errno (`ECONNREFUSED`, `ETIMEDOUT`, …). */
  readonly errno: number;
}

/** Options for {@link scanPorts}. */
export interface ScanOptions {
  /** The address family of `address` (`AF_INET` or `AF_INET6`). */
  readonly family: number;
  /** Connections in flight at once (default 100). */
  readonly concurrency?: number;
  /** Seconds each connection attempt may take (default 1). */
  readonly timeout?: number;
  /** Called once per port as its attempt ends, in completion order. */
  readonly onResult?: (result: PortResult) => void;
  /** Stops starting new attempts; those in flight finish. */
  readonly signal?: AbortSignal;
}

const E = constants.errno;
const FILTERED = new Set<number>([E.ETIMEDOUT, E.EHOSTUNREACH, E.ENETUNREACH]);

/**
 * Classifies `connectEx()`'s result.
 * @param errno 0 or an errno.
 * @returns the port's state.
 * @example portState(111); // 'closed' (ECONNREFUSED)
 */
export function portState(errno: number): PortState {
  if (errno === 0) return 'open';
  if (errno === E.ECONNREFUSED) return 'closed';
  return FILTERED.has(errno) ? 'filtered' : 'error';
}

/**
 * Tries a TCP connection to each port of `address` with `connectEx()`, closing each at once,
 * with at most `concurrency` attempts in flight so a big range neither exhausts file
 * descriptors nor floods the target.
 *
 * @param address a numeric IPv4 or IPv6 address (resolve names first).
 * @param ports the ports to try, 1-65535.
 * @param options family, concurrency, per-port timeout, a callback per result, a stop signal.
 * @returns one result per port tried, in the order of `ports` (fewer when stopped).
 * @throws {RangeError} when `concurrency` is not a positive integer or `timeout` not positive.
 * @example
 * const results = await scanPorts('127.0.0.1', [22, 80], { family: AF_INET });
 * results.filter((r) => r.state === 'open');
 */
export async function scanPorts(
  address: string,
  ports: readonly number[],
  options: ScanOptions,
): Promise<PortResult[]> {
  const concurrency = options.concurrency ?? 100;
  const timeout = options.timeout ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  if (!(timeout > 0) || !Number.isFinite(timeout)) {
    throw new RangeError(`timeout must be a positive number of seconds, got ${timeout}`);
  }
  const results: Array<PortResult | undefined> = new Array(ports.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ports.length && options.signal?.aborted !== true) {
      const index = next++;
      const port = ports[index] as number;
      const sock = socket(options.family, SOCK_STREAM);
      let errno: number;
      try {
        sock.settimeout(timeout);
        errno = await sock.connectEx([address, port]);
      } finally {
        sock.close();
      }
      const result: PortResult = { port, state: portState(errno), errno };
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ports.length) }, worker));
  return results.filter((r): r is PortResult => r !== undefined);
}
