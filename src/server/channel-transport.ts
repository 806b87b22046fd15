/**
 * `ChannelTransport`: the kit's {@link Transport} over a socket on the dispatch loop. It is a
 * `ServerChannel` (byte counts, phase timeouts, lingering close, TLS upgrade in place) that
 * hands what happens to a {@link TransportHandler} instead of to a subclass, so a protocol is
 * written as a handler composed with it, never as a fifth level of inheritance.
 */
import type { ChannelSocket, Producer } from '../dispatch/index.js';
import { SHUT_WR, type SSLContext, SSLSocket } from '../socket/index.js';
import { ServerChannel, type ServerChannelOptions } from './server-channel.js';
import type { Transport, TransportHandler, WriteOptions } from './transport.js';

/**
 * A server connection's transport on the loop. Attach the handler before the loop runs (in the
 * listener's `createChannel`), as {@link Connection} does.
 *
 * @example
 * const transport = new ChannelTransport(socket, channelOptions);
 * const connection = new Connection({ transport, session, handler });
 */
export class ChannelTransport extends ServerChannel implements Transport {
  #handler: TransportHandler | null = null;
  #paused = false;
  #shutdownWanted = false;
  #lost = false;
  /** Inside recv(), where a handleClose() means the peer's end of stream. */
  #receiving = false;
  /** The peer sent its FIN and the handler keeps the connection for its replies. */
  #inputEnded = false;
  /** Inside a send the handler asked for, or handleWrite(), which reports progress itself. */
  #writing = false;

  /**
   * @param sock The accepted connection.
   * @param options Limits, observer, clock, map and the slot release, from the listener.
   */
  constructor(sock: ChannelSocket, options: ServerChannelOptions = {}) {
    super(sock, options);
  }

  /** Sets who hears of this transport's data, drains, timeouts and end. */
  attach(handler: TransportHandler): void {
    this.#handler = handler;
  }

  get peerAddress(): unknown {
    return this.addr;
  }

  get secure(): boolean {
    return this.socket instanceof SSLSocket;
  }

  get closed(): boolean {
    return this.#lost;
  }

  write(data: Uint8Array | string, options?: WriteOptions): void {
    if (this.#lost) return;
    this.#writing = true;
    try {
      this.push(data, options);
    } finally {
      this.#writing = false;
    }
  }

  writeProducer(producer: Producer, size?: number): void {
    if (this.#lost) {
      producer.close?.();
      return;
    }
    this.#writing = true;
    try {
      this.pushWithProducer(producer, size);
    } finally {
      this.#writing = false;
    }
  }

  override closeWhenDone(): void {
    this.#writing = true;
    try {
      super.closeWhenDone();
    } finally {
      this.#writing = false;
    }
  }

  shutdownWrite(): void {
    this.#shutdownWanted = true;
    if (!this.outputPending) this.#shutdownNow();
  }

  pauseReading(): void {
    this.#paused = true;
  }

  resumeReading(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.wake();
  }

  startTls(context: SSLContext): Promise<boolean> {
    return this.upgradeToTls(context);
  }

  abort(): void {
    this.closeWithReset();
  }

  override readable(): boolean {
    return !this.#paused && !this.#inputEnded;
  }

  override recv(bufferSize: number): Buffer {
    this.#receiving = true;
    try {
      return super.recv(bufferSize);
    } finally {
      this.#receiving = false;
    }
  }

  override handleClose(): void {
    // From recv() with no error, this is the peer's FIN: the handler may keep the connection
    // half-open for its replies. Otherwise (a reset, a failed send, our output done after
    // closeWhenDone) it closes.
    if (!this.#inputEnded && this.#receiving && this.closeError === null && !this.#lost) {
      // Set first: the handler may answer and close at once, and that close must not be
      // taken for a second end of stream.
      this.#inputEnded = true;
      // Half-open: nothing more is read; the handler closes once its replies are out.
      if (this.#handler?.inputEnded() === true) return;
    }
    this.close();
  }

  override collectIncomingData(data: Buffer): void {
    this.#handler?.dataReceived(data);
  }

  override handleWrite(): void {
    this.#writing = true;
    try {
      super.handleWrite();
    } finally {
      this.#writing = false;
    }
    if (!this.#lost) this.#progressed();
  }

  /**
   * Output also moves outside handleWrite(): a producer whose chunk came later (a file read)
   * is sent on as it arrives, and may empty the queue with no writable event to follow. The
   * handler hears of that too, or a drain it waits for (held requests, a shutdown, `drained()`)
   * would never come. Sends the handler itself asked for are not reported back to it.
   */
  override initiateSend(): void {
    super.initiateSend();
    if (!this.#writing && !this.#lost) this.#progressed();
  }

  override onIdleTimeout(): void {
    if (this.#handler?.timedOut('idle') !== true) super.onIdleTimeout();
  }

  override onReadTimeout(): void {
    if (this.#handler?.timedOut('read') !== true) super.onReadTimeout();
  }

  override onWriteTimeout(): void {
    if (this.#handler?.timedOut('write') !== true) super.onWriteTimeout();
  }

  override close(): void {
    const first = !this.#lost;
    this.#lost = true;
    super.close();
    if (first) this.#handler?.connectionLost(this.closeError);
  }

  #progressed(): void {
    if (!this.outputPending && this.#shutdownWanted) this.#shutdownNow();
    this.#handler?.writeProgress();
  }

  #shutdownNow(): void {
    this.#shutdownWanted = false;
    try {
      this.socket?.shutdown(SHUT_WR);
    } catch {
      // Already gone: the close that follows says so.
    }
  }
}
