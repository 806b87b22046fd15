/**
 * `InputGatedTransport`: a {@link Transport} that reads only while its session wants input.
 * The kit's `Connection` gates reading on its handler and its output; an FTP control session
 * also stops wanting input on its own (while AUTH TLS waits for the handshake, once it is over,
 * and while `maxQueuedCommands` wait during a transfer, when the connection must keep reading
 * for ABOR and STAT). The kit has no hook for that, so this wrapper adds it.
 */

import type { Producer } from '../../../dispatch/index.js';
import type { Transport, TransportHandler, WriteOptions } from '../../../server/transport.js';
import type { SSLContext } from '../../../socket/index.js';

/**
 * Wraps a transport; every call passes through, except that `resumeReading()` pauses instead
 * while `wantsInput()` is false.
 *
 * @example
 * const transport = new InputGatedTransport(new ChannelTransport(socket, options), () => control.wantsInput);
 * new Connection({ transport, session, handler });
 */
export class InputGatedTransport implements Transport {
  readonly #inner: Transport;
  readonly #wantsInput: () => boolean;

  /**
   * @param inner The transport carrying the bytes.
   * @param wantsInput Whether the session takes input now.
   */
  constructor(inner: Transport, wantsInput: () => boolean) {
    this.#inner = inner;
    this.#wantsInput = wantsInput;
  }

  /** Passes the handler to the inner transport (as `Connection` attaches itself). */
  attach(handler: TransportHandler): void {
    this.#inner.attach(handler);
  }

  get peer(): string {
    return this.#inner.peer;
  }

  get peerAddress(): unknown {
    return this.#inner.peerAddress;
  }

  get secure(): boolean {
    return this.#inner.secure;
  }

  get queuedBytes(): number {
    return this.#inner.queuedBytes;
  }

  get outputPending(): boolean {
    return this.#inner.outputPending;
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  write(data: Uint8Array | string, options?: WriteOptions): void {
    this.#inner.write(data, options);
  }

  writeProducer(producer: Producer, size?: number): void {
    this.#inner.writeProducer(producer, size);
  }

  shutdownWrite(): void {
    this.#inner.shutdownWrite();
  }

  pauseReading(): void {
    this.#inner.pauseReading();
  }

  /** Reads again, if the session wants input; otherwise stays (or becomes) paused. */
  resumeReading(): void {
    if (this.#wantsInput()) this.#inner.resumeReading();
    else this.#inner.pauseReading();
  }

  requestStarted(): void {
    this.#inner.requestStarted();
  }

  requestProgress(): void {
    this.#inner.requestProgress();
  }

  requestFinished(): void {
    this.#inner.requestFinished();
  }

  touch(): void {
    this.#inner.touch();
  }

  startTls(context: SSLContext): Promise<boolean> {
    return this.#inner.startTls(context);
  }

  closeWhenDone(): void {
    this.#inner.closeWhenDone();
  }

  close(): void {
    this.#inner.close();
  }

  abort(): void {
    this.#inner.abort();
  }
}
