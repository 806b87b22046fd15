/**
 * `DataChannel`: one FTP data connection on the dispatch loop, sending from a producer (RETR,
 * LIST) or receiving into a file (STOR, APPE), with backpressure both ways: output is pulled
 * only when the socket has room, and input is not read while a disk write is in flight.
 */

import { write as fsWrite } from 'node:fs';
import {
  AsyncChat,
  type ChannelSocket,
  type Producer,
  type SocketMap,
} from '../../dispatch/index.js';
import { SHUT_WR } from '../../socket/index.js';
import type { Clock, ClockTimer } from '../common/index.js';
import { AsciiConverter } from './ascii-converter.js';

/** How a transfer ended. */

/** Upload bytes held in memory at most while the disk catches up. */
const UPLOAD_BUFFER = 1024 * 1024;
export type TransferOutcome =
  | { readonly status: 'complete'; readonly bytes: number }
  | { readonly status: 'failed'; readonly bytes: number; readonly reason: string };

/** Options for {@link DataChannel}. */
export interface DataChannelOptions {
  readonly map?: SocketMap | undefined;
  readonly clock: Clock;
  /** Seconds without progress before the transfer fails (0: none). */
  readonly stallTimeout: number;
  /** TYPE A: convert line ends. */
  readonly ascii: boolean;
  /** Called on each chunk moved, with the total so far (the control channel's idle clock). */
  readonly onProgress?: (bytes: number) => void;
  /** Called once when the transfer ends. */
  readonly onDone: (outcome: TransferOutcome) => void;
}

/** Where received bytes go: an open file descriptor. */
export interface ReceiveTarget {
  readonly fd: number;
  /** The first byte's offset (REST), or `null` to append at the end. */
  readonly position: number | null;
}

/**
 * A data connection. Call {@link DataChannel.sendFrom} or {@link DataChannel.receive} once;
 * `onDone` reports the end. {@link DataChannel.abort} cuts it (ABOR, control connection gone).
 *
 * @example
 * const ch = new DataChannel(sock, { clock, stallTimeout: 30, ascii: false, onDone });
 * ch.sendFrom(new FileProducer(path, { start: rest }));
 */
export class DataChannel extends AsyncChat {
  readonly #options: DataChannelOptions;
  #bytes = 0;
  #finished = false;
  #mode: 'idle' | 'send' | 'receive' | 'draining' | 'closing' = 'idle';
  #target: ReceiveTarget | null = null;
  #position: number | null = null;
  #writing = false;
  #eof = false;
  #queue: Buffer[] = [];
  /** Bytes received and not yet written to disk. */
  #queued = 0;
  #converter: AsciiConverter | null = null;
  #timer: ClockTimer | null = null;
  #linger: ClockTimer | null = null;
  #lastProgress: number;

  /**
   * @param sock The connected data socket.
   * @param options Clock, timeouts, type and callbacks.
   */
  constructor(sock: ChannelSocket, options: DataChannelOptions) {
    super(sock, options.map);
    this.#options = options;
    this.#lastProgress = options.clock.now();
    this.setTerminator(null);
    this.#armStall(options.stallTimeout * 1000);
  }

  /** Bytes moved so far (on the wire). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Sends everything `producer` produces, then half-closes and reports completion.
   *
   * @param producer The data (a file, a listing).
   */
  sendFrom(producer: Producer): void {
    this.#mode = 'send';
    const converter = this.#options.ascii ? new AsciiConverter('to-network') : null;
    const counting: Producer = {
      more: () => {
        const next = producer.more();
        const handle = (chunk: Uint8Array): Uint8Array => {
          const out = converter === null ? chunk : converter.transform(chunk);
          this.#progress(out.length);
          if (chunk.length === 0) this.#sent();
          return chunk.length === 0 ? chunk : out.length === 0 ? Buffer.from('') : out;
        };
        return next instanceof Promise ? next.then(handle) : handle(next);
      },
      close: () => producer.close?.(),
    };
    this.pushWithProducer(counting);
  }

  /**
   * Receives into a file until the client closes the connection.
   *
   * @param target The open file and where to write.
   */
  receive(target: ReceiveTarget): void {
    this.#mode = 'receive';
    this.#target = target;
    this.#position = target.position;
    this.#converter = this.#options.ascii ? new AsciiConverter('from-network') : null;
    this.acInBufferSize = 256 * 1024;
    this.wake();
  }

  override readable(): boolean {
    // Read on while a write is in flight, so the disk and the network work at once, but only up
    // to a bound: past it the socket's buffer fills and TCP slows the peer.
    if (this.#mode === 'receive') return this.#queued < UPLOAD_BUFFER;
    return this.#mode === 'draining';
  }

  override collectIncomingData(data: Buffer): void {
    if (this.#mode === 'draining') return;
    if (this.#mode !== 'receive') return;
    this.#progress(data.length);
    const out = this.#converter === null ? data : this.#converter.transform(data);
    // recv() hands out bytes this channel owns, so they are queued as they are, not copied.
    if (out.length > 0) {
      this.#queue.push(out);
      this.#queued += out.length;
    }
    this.#flush();
  }

  override handleClose(): void {
    if (this.#mode === 'receive' && !this.#finished) {
      this.#eof = true;
      const tail = this.#converter?.flush();
      if (tail !== undefined && tail.length > 0) {
        this.#queue.push(tail);
        this.#queued += tail.length;
      }
      // Answer the client's end (with TLS, its close_notify) with ours before closing.
      this.#halfClose();
      this.#mode = 'closing';
      this.#flush();
      return;
    }
    if (this.#mode === 'closing') return;
    if (this.#mode === 'draining') {
      this.#linger?.cancel();
      super.close();
      return;
    }
    this.#finish({ status: 'failed', bytes: this.#bytes, reason: 'connection closed' });
  }

  override handleError(error: unknown): void {
    this.#finish({
      status: 'failed',
      bytes: this.#bytes,
      reason: error instanceof Error ? error.message : String(error),
    });
  }

  /** Cuts the transfer now; `onDone` reports it failed with `reason`. */
  abort(reason = 'aborted'): void {
    this.#finish({ status: 'failed', bytes: this.#bytes, reason });
  }

  #progress(n: number): void {
    if (n === 0) return;
    this.#bytes += n;
    this.#lastProgress = this.#options.clock.now();
    this.#options.onProgress?.(this.#bytes);
  }

  /** Everything was handed to the socket: FIN (TLS close_notify first), then linger for EOF. */
  #sent(): void {
    if (this.#finished) return;
    queueMicrotask(() => {
      if (this.#finished) return;
      this.#halfClose();
      this.#mode = 'draining';
      this.#report({ status: 'complete', bytes: this.#bytes });
      this.wake();
    });
  }

  #halfClose(): void {
    try {
      (this.socket as unknown as { shutdown(how: number): void }).shutdown(SHUT_WR);
    } catch {
      // already gone: the data went out or the peer left; either way we are done
    }
    // Linger briefly for the peer's end, then let go whatever happens.
    const linger = this.#options.clock.setTimer(2000, () => super.close());
    this.#linger = linger;
  }

  #flush(): void {
    if (this.#writing || this.#finished) return;
    const target = this.#target;
    if (target === null) return;
    if (this.#queue.length === 0) {
      if (this.#eof) this.#finish({ status: 'complete', bytes: this.#bytes });
      else this.wake();
      return;
    }
    const chunk = this.#queue.length === 1 ? this.#queue[0]! : Buffer.concat(this.#queue);
    this.#queue = [];
    this.#queued = 0;
    this.#writing = true;
    fsWrite(target.fd, chunk, 0, chunk.length, this.#position, (err) => {
      this.#writing = false;
      if (err) {
        this.#finish({ status: 'failed', bytes: this.#bytes, reason: err.message });
        return;
      }
      if (this.#position !== null) this.#position += chunk.length;
      this.#flush();
      this.wake();
    });
  }

  #report(outcome: TransferOutcome): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#timer?.cancel();
    this.#timer = null;
    this.#options.onDone(outcome);
  }

  #finish(outcome: TransferOutcome): void {
    if (this.#mode === 'draining') {
      this.#linger?.cancel();
      super.close();
      return;
    }
    if (this.#mode === 'closing') {
      // The bytes are on disk; the socket closes when the peer does or the linger ends.
      this.#report(outcome);
      return;
    }
    this.#report(outcome);
    this.discardBuffers();
    super.close();
  }

  override close(): void {
    this.abort('closed');
  }

  #armStall(ms: number): void {
    if (this.#options.stallTimeout <= 0) return;
    this.#timer = this.#options.clock.setTimer(ms, () => {
      this.#timer = null;
      if (this.#finished) {
        if (this.#mode === 'draining') super.close();
        return;
      }
      const since = this.#options.clock.now() - this.#lastProgress;
      const limit = this.#options.stallTimeout * 1000;
      if (since >= limit && !this.#writing) this.abort('data connection timed out');
      else this.#armStall(Math.max(limit - since, 1));
    });
  }
}
