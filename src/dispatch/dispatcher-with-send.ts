/**
 * asyncore's `dispatcher_with_send`: a dispatcher whose `send()` buffers what the socket cannot
 * take yet and sends it as the socket drains.
 */
import type { SendOptions } from '../socket/index.js';
import { Dispatcher } from './dispatcher.js';

const OWNED: SendOptions = { owned: true };
const COPIED: SendOptions = {};
/**
 * The output queue of every channel with nothing queued: an array is made only while output
 * waits, since an idle server holds thousands of channels. Frozen, so that
 * nothing can add to it by mistake.
 */
const NOTHING_QUEUED: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

/**
 * A dispatcher with an output buffer: `send()` never loses data; what does not fit now goes out
 * on write events.
 * @example
 * class EchoHandler extends DispatcherWithSend {
 *   override handleRead() { const data = this.recv(8192); if (data.length) this.send(data); }
 * }
 */
export class DispatcherWithSend extends Dispatcher {
  #out: Uint8Array[] = NOTHING_QUEUED;
  #outLength = 0;

  /** Bytes waiting to be sent. */
  get outBufferLength(): number {
    return this.#outLength;
  }

  /** Sends as much of the buffer as the socket takes now. */
  initiateSend(): void {
    while (this.#out.length > 0 && this.socket !== null) {
      const first = this.#out[0]!;
      // Every queued buffer is the channel's own (a copy, or one handed over): no second copy.
      const sent = super.send(first, OWNED);
      if (sent === 0) return;
      this.#outLength -= sent;
      if (sent < first.length) {
        this.#out[0] = first.subarray(sent);
        return;
      }
      this.#out.shift();
      if (this.#out.length === 0) this.#out = NOTHING_QUEUED;
    }
  }

  override handleWrite(): void {
    this.initiateSend();
  }

  /** Closes the channel; output not yet sent is dropped, as the socket can no longer take it. */
  override close(): void {
    this.#out = NOTHING_QUEUED;
    this.#outLength = 0;
    super.close();
  }

  override writable(): boolean {
    return !this.connected || this.#outLength > 0;
  }

  /**
   * Queues `data` and sends what fits now.
   * @param data the bytes (a string is sent as UTF-8); what cannot go at once is copied.
   * @param options `owned` hands the buffer over: nothing is copied, and the caller must not
   *   change it afterwards (an echo of what `recv()` returned, say).
   * @returns the length of `data`: all of it is taken, now or later.
   */
  override send(data: Uint8Array | string, options: SendOptions = {}): number {
    const handedOver = typeof data === 'string' || options.owned === true;
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.debug) this.logInfo(`sending ${bytes.length} bytes`);
    if (bytes.length === 0) return 0;
    if (this.#out.length === 0 && this.connected) {
      // Nothing queued: try the socket first and queue only the rest.
      const sent = super.send(bytes, handedOver ? OWNED : COPIED);
      if (sent === bytes.length) return sent;
      const rest = bytes.subarray(sent);
      DispatcherWithSend.#queue(this, handedOver ? rest : Buffer.from(rest));
    } else {
      DispatcherWithSend.#queue(this, handedOver ? bytes : Buffer.from(bytes));
      this.initiateSend();
    }
    return bytes.length;
  }

  /**
   * Queues bytes the channel owns, behind what waits already. Static, given the channel: an
   * instance private method would cost every channel a field (V8's brand of the class).
   */
  static #queue(self: DispatcherWithSend, bytes: Uint8Array): void {
    if (self.#out === NOTHING_QUEUED) self.#out = [bytes];
    else self.#out.push(bytes);
    self.#outLength += bytes.length;
  }
}
