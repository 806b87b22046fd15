/**
 * Twisted's `StringTransport` for polyport: a socket with no one behind it that keeps
 * everything written to it, so a test can drive a channel and read back its output.
 */
import type { SocketAddress } from '../socket/index.js';
import { MemorySocket } from './memory-socket.js';

/** Options for {@link StringTransport}. */
export interface StringTransportOptions {
  /**
   * Bytes written and not yet `drain()`ed before writes report a full buffer. Default:
   * unlimited, as Twisted's `StringTransport`; set it to test backpressure.
   */
  readonly sendBufferSize?: number;
  /** What `getsockname()` returns. */
  readonly localAddress?: SocketAddress;
  /** What `getpeername()` returns. */
  readonly peerAddress?: SocketAddress;
}

/**
 * A connected socket whose output is captured: `value()` is everything written so far, `clear()`
 * forgets it. Input is played by the test with `feed()`, `feedEof()` and `resetByPeer()`.
 *
 * @example
 * const transport = new StringTransport();
 * const chat = new MyChat(transport, new Map());
 * transport.feed('HELO client\r\n');
 * await loop({ map: chat.map, count: 1 });
 * transport.value().toString(); // '250 Hello client\r\n'
 */
export class StringTransport extends MemorySocket {
  /** @param options the send buffer limit and the addresses. */
  constructor(options: StringTransportOptions = {}) {
    super({ sendBufferSize: Number.POSITIVE_INFINITY, ...options });
  }

  /** Everything written so far (since the last `clear()`). */
  value(): Buffer {
    return this.sentData();
  }

  /** Everything written so far, decoded (UTF-8 by default). */
  text(encoding: BufferEncoding = 'utf8'): string {
    return this.sentData().toString(encoding);
  }

  /** Forgets what was written, so the next `value()` shows only what follows. */
  clear(): void {
    this.clearSent();
  }
}
