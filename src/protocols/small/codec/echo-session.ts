/**
 * `EchoSession`: echo (RFC 862) as a sans-I/O session for the kit's `Connection` — every byte
 * received is written back, unchanged.
 */
import type { ServerSession } from '../../../server/server-session.js';

/**
 * Echo's whole protocol: what comes in goes back out. It has no events; the kit's
 * `Connection` sends its output and reads no more while that output is queued, so a client
 * that sends without reading fills its own socket buffer, not the server's memory. The
 * client's FIN is the end of its input: what it sent is still echoed, then the connection
 * closes.
 *
 * @example
 * const session = new EchoSession();
 * session.receiveData(Buffer.from('ping\r\n'));
 * session.takeOutput().toString(); // 'ping\r\n'
 */
export class EchoSession implements ServerSession<never> {
  #output: Buffer[] = [];

  receiveData(chunk: Uint8Array): void {
    if (chunk.length > 0) {
      // The kit hands the bytes over (nobody reuses them): no copy for a Buffer.
      this.#output.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
  }

  /** Echo has nothing for a handler to do. */
  nextEvent(): null {
    return null;
  }

  takeOutput(): Buffer {
    const out = this.#output.length === 1 ? this.#output[0]! : Buffer.concat(this.#output);
    this.#output = [];
    return out;
  }

  /** The client's FIN: what it sent is echoed, then the connection ends. */
  receiveEnd(): void {}

  /** Echo has no requests, so no read timeout: only the idle timeout applies. */
  get partialCommand(): boolean {
    return false;
  }
}
