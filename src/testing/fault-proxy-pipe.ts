/**
 * One direction of a proxied TCP connection, with its faults applied.
 */
import type { Socket } from 'node:net';
import type { DirectionFaults } from './fault-plan.js';

// Bytes read ahead of a slow (delayed, dribbled) forward before the source is paused, so the
// sender feels the slowness as backpressure instead of the proxy buffering without bound.
const READ_AHEAD = 64 * 1024;

// Time between the last byte before a reset and the RST. libuv reports a hang-up that arrives
// together with unread bytes as end of stream, not as a reset (uv__stream_io after a partial
// read), so an RST sent hard on the bytes' heels often looks like a FIN to a Node receiver; the
// pause lets the receiver read the bytes first, so it sees ECONNRESET as a real peer's late RST.
const RESET_SETTLE_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Copies the bytes of `source` to `dest`, applying one direction's faults: delay, dribble, a FIN
 * or a reset at an offset, or a stall that stops reading `source`. The owner handles errors and
 * closes; the pipe only forwards, ends and asks for a reset.
 *
 * @example
 * const pipe = new FaultProxyPipe(client, server, { cutAt: 10 }, () => resetBoth());
 * pipe.bytes; // forwarded so far
 */
export class FaultProxyPipe {
  /** Bytes forwarded to `dest` so far. */
  bytes = 0;
  /** True once the pipe stopped reading its source for good (a `stallAt` fault). */
  stalled = false;
  readonly #source: Socket;
  readonly #dest: Socket;
  readonly #faults: DirectionFaults;
  readonly #reset: () => void;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #pumping = false;
  #cut = false;
  #sourceEnded = false;
  #finished = false;

  /**
   * Starts forwarding at once.
   * @param source the socket read from.
   * @param dest the socket written to.
   * @param faults what to do to the bytes.
   * @param reset called once when a `resetAt` offset is reached; it must reset both sockets.
   */
  constructor(source: Socket, dest: Socket, faults: DirectionFaults, reset: () => void) {
    this.#source = source;
    this.#dest = dest;
    this.#faults = faults;
    this.#reset = reset;
    if (faults.stallAt === 0) this.#stall();
    source.on('data', (chunk: Buffer) => this.#receive(chunk));
    source.on('end', () => {
      this.#sourceEnded = true;
      void this.#pump();
    });
  }

  #receive(chunk: Buffer): void {
    // After a cut the sender's further bytes are read and dropped, as a peer that closed would.
    if (this.#cut || this.#finished) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > READ_AHEAD) this.#source.pause();
    void this.#pump();
  }

  #stall(): void {
    this.stalled = true;
    this.#source.pause();
  }

  /** The offset at which the next fault fires, and which fault it is. */
  #nextLimit(): { at: number; kind: 'cut' | 'reset' | 'stall' } | undefined {
    let best: { at: number; kind: 'cut' | 'reset' | 'stall' } | undefined;
    const consider = (at: number | undefined, kind: 'cut' | 'reset' | 'stall'): void => {
      if (at !== undefined && at >= this.bytes && (best === undefined || at < best.at)) {
        best = { at, kind };
      }
    };
    consider(this.#faults.resetAt, 'reset');
    consider(this.#faults.cutAt, 'cut');
    consider(this.#faults.stallAt, 'stall');
    return best;
  }

  async #write(piece: Buffer): Promise<void> {
    if (this.#dest.destroyed) return;
    // Waiting for the callback (the bytes are in the kernel) is the backpressure: a destination
    // that does not read stops the pump, and a fault offset counts only bytes handed over.
    const flushed = new Promise<void>((resolve) => {
      this.#dest.write(piece, () => resolve());
    });
    // A destroyed destination calls back too (with an error), so the wait always ends.
    await flushed;
    this.bytes += piece.length;
  }

  async #forward(chunk: Buffer): Promise<void> {
    const { delayMs, dribble } = this.#faults;
    if (delayMs !== undefined && delayMs > 0) await sleep(delayMs);
    if (dribble === undefined) return this.#write(chunk);
    for (let at = 0; at < chunk.length; at += dribble.bytes) {
      if (at > 0 || this.bytes > 0) await sleep(dribble.everyMs);
      if (this.#dest.destroyed) return;
      await this.#write(chunk.subarray(at, at + dribble.bytes));
    }
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#finished) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.stalled && !this.#finished) {
        const chunk = this.#queue.shift()!;
        this.#queued -= chunk.length;
        const limit = this.#nextLimit();
        if (limit !== undefined && this.bytes + chunk.length >= limit.at) {
          const before = chunk.subarray(0, limit.at - this.bytes);
          if (before.length > 0) await this.#forward(before);
          const rest = chunk.subarray(before.length);
          if (limit.kind === 'stall') {
            // Bytes read past the offset are kept back, so the receiver sees exactly `stallAt`.
            if (rest.length > 0) {
              this.#queue.unshift(rest);
              this.#queued += rest.length;
            }
            this.#stall();
            return;
          }
          this.#finished = true;
          this.#queue.length = 0;
          this.#queued = 0;
          if (limit.kind === 'reset') {
            // Read nothing more while the reset settles: a peer about to reset does not go on
            // taking the sender's bytes (a fast reader here let a whole download finish first).
            this.#source.pause();
            if (this.bytes > 0) await sleep(RESET_SETTLE_MS);
            this.#reset();
          } else {
            this.#cut = true;
            this.#dest.end();
            // Keep reading (and dropping) so the sender is not stalled by the cut.
            this.#source.resume();
          }
          return;
        }
        await this.#forward(chunk);
      }
      if (!this.stalled && !this.#finished) {
        if (this.#queue.length === 0 && this.#sourceEnded) {
          this.#finished = true;
          if (!this.#dest.destroyed) this.#dest.end();
        } else if (this.#source.isPaused()) {
          this.#source.resume();
        }
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#queue.length > 0 && !this.stalled && !this.#finished) void this.#pump();
  }
}
