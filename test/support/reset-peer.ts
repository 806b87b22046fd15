/**
 * A peer that cuts a connection the hard way, for the tests that a reset is an abort: it sends
 * bytes (and may first read some), then resets (RST, `resetAndDestroy()`) or ends (FIN) at a
 * chosen point, as a crashed client or a middlebox would.
 */
import { connect, type Socket } from 'node:net';

/** How a {@link CuttingPeer} ends the connection: RST or FIN. */
export type CutHow = 'reset' | 'end';

/** A node:net connection on loopback that collects what it receives and can be cut. */
export interface CuttingPeer {
  readonly sock: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Waits until at least `n` bytes have arrived (or the connection ended). */
  readAtLeast(n: number): Promise<Buffer>;
  /**
   * Waits until what arrived (as Latin-1 text) matches `pattern`.
   * @throws {Error} when the connection ends first.
   */
  waitFor(pattern: RegExp): Promise<string>;
  /** Sends bytes, resolving once the kernel has them. */
  send(data: Buffer | string): Promise<void>;
  /**
   * Sends `data` (handed to the kernel whole), then resets (default) or ends the connection.
   * @returns once the connection is cut.
   */
  cut(data?: Buffer | string, how?: CutHow): Promise<void>;
}

/**
 * Connects to `port` on 127.0.0.1.
 * @param port the server's port.
 * @returns the connected peer.
 * @throws {Error} when the connection fails.
 * @example const peer = await cuttingPeer(port); await peer.cut(half, 'reset');
 */
export function cuttingPeer(port: number): Promise<CuttingPeer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    let ended = false;
    let wake: () => void = () => {};
    const sock = connect(port, '127.0.0.1');
    sock.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      wake();
    });
    sock.on('close', () => {
      ended = true;
      wake();
    });
    sock.on('error', () => {});
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve({
        sock,
        received: () => Buffer.concat(parts),
        async readAtLeast(n) {
          while (got < n && !ended) await new Promise<void>((r) => (wake = r));
          return Buffer.concat(parts);
        },
        async waitFor(pattern) {
          for (;;) {
            const text = Buffer.concat(parts).toString('latin1');
            if (pattern.test(text)) return text;
            if (ended) throw new Error(`connection ended before ${pattern}; got ${text}`);
            await new Promise<void>((r) => (wake = r));
          }
        },
        send(data) {
          return new Promise<void>((done, fail) =>
            sock.write(data, (err) => (err ? fail(err) : done())),
          );
        },
        cut(data, how = 'reset') {
          return new Promise<void>((done) => {
            const finish = (): void => {
              if (how === 'end') sock.end(() => done());
              else sock.resetAndDestroy().once('close', () => done());
            };
            if (data === undefined || data.length === 0) finish();
            else sock.write(data, finish);
          });
        },
      });
    });
  });
}
