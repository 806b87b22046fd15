/**
 * What a fault proxy does to the bytes of one connection, per direction.
 */

/**
 * Faults applied to one direction of a proxied TCP connection. Offsets count the bytes of that
 * direction that the proxy has forwarded, from 0. With no field set the bytes pass unchanged.
 *
 * @example
 * // The server sees the first 100 bytes of an upload, then a reset (and so does the client).
 * const upload: DirectionFaults = { resetAt: 100 };
 * // The client reads nothing: the server's writes back up in the kernel's buffers.
 * const neverReads: DirectionFaults = { stallAt: 0 };
 */
export interface DirectionFaults {
  /** Milliseconds each chunk waits before it is forwarded (latency). */
  readonly delayMs?: number;
  /** Forward at most `bytes` bytes every `everyMs` milliseconds (a slow link, slowloris). */
  readonly dribble?: { readonly bytes: number; readonly everyMs: number };
  /**
   * After this many bytes, end this direction with a FIN: the receiver sees end of stream, the
   * sender's further bytes are read and thrown away; the other direction goes on (half-close).
   */
  readonly cutAt?: number;
  /**
   * After this many bytes, reset the connection (RST) on both sides: the receiver of this
   * direction and the sender both see `ECONNRESET`.
   */
  readonly resetAt?: number;
  /**
   * After this many bytes, stop reading from the sender of this direction for good, so that its
   * writes back up (a peer that never reads). 0 stalls from the first byte.
   */
  readonly stallAt?: number;
}

/**
 * Faults for one proxied TCP connection: `toServer` is what the client sends, `toClient` what
 * the server sends.
 *
 * @example
 * // A download that breaks after 1000 bytes of the response.
 * const faults: ConnectionFaults = { toClient: { resetAt: 1000 } };
 */
export interface ConnectionFaults {
  /** Faults on the bytes from the client to the server. */
  readonly toServer?: DirectionFaults;
  /** Faults on the bytes from the server to the client. */
  readonly toClient?: DirectionFaults;
}

/**
 * Chooses the faults of each new connection from its 0-based index (in accept order), so a test
 * can break the first connection and let the next one through.
 *
 * @example
 * const firstOnly: FaultChooser = (index) => (index === 0 ? { toServer: { resetAt: 10 } } : {});
 */
export type FaultChooser = (index: number) => ConnectionFaults;

/**
 * Checks a {@link DirectionFaults} before it is used, so a typo fails the test at once instead
 * of silently passing every byte.
 * @param faults the faults of one direction.
 * @param where the name used in the error (`'toServer'` or `'toClient'`).
 * @returns nothing.
 * @throws {RangeError} for a negative or non-integer offset or a dribble that never moves.
 * @example
 * validateDirectionFaults({ cutAt: 10 }, 'toServer'); // fine
 */
export function validateDirectionFaults(faults: DirectionFaults, where: string): void {
  for (const key of ['cutAt', 'resetAt', 'stallAt', 'delayMs'] as const) {
    const value = faults[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new RangeError(`${where}.${key} must be an integer >= 0, got ${value}`);
    }
  }
  const dribble = faults.dribble;
  if (dribble !== undefined) {
    if (!(Number.isInteger(dribble.bytes) && dribble.bytes >= 1)) {
      throw new RangeError(`${where}.dribble.bytes must be an integer >= 1, got ${dribble.bytes}`);
    }
    if (!(Number.isFinite(dribble.everyMs) && dribble.everyMs >= 0)) {
      throw new RangeError(`${where}.dribble.everyMs must be >= 0, got ${dribble.everyMs}`);
    }
  }
}
