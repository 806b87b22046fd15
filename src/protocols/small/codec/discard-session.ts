/**
 * `DiscardSession`: a session for the kit's `Connection` that reads and drops what the client
 * sends — discard (RFC 863), and the services that only speak (daytime, time, qotd, chargen),
 * where the client's bytes mean nothing.
 */
import type { ServerSession } from '../../../server/server-session.js';

/**
 * Reads and drops. It has no events and writes nothing itself: a service that speaks writes
 * through the connection (an answer, a producer), and the bytes received are still counted by
 * the transport.
 *
 * @example
 * const session = new DiscardSession();
 * session.receiveData(Buffer.from('anything'));
 * session.takeOutput().length; // 0
 */
export class DiscardSession implements ServerSession<never> {
  receiveData(_chunk: Uint8Array): void {}

  /** Nothing the client sends asks for anything. */
  nextEvent(): null {
    return null;
  }

  takeOutput(): Buffer {
    return Buffer.alloc(0);
  }

  /** No requests, so no read timeout: only the idle timeout applies. */
  get partialCommand(): boolean {
    return false;
  }
}
