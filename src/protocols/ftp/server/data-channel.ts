/**
 * `DataChannel`: one FTP data connection on the dispatch loop, sending a file (RETR) or a
 * producer's output (LIST), or receiving into a file (STOR, APPE), with backpressure both ways:
 * output is read only when the socket has room, and input is written to disk as it is read
 * (synchronously, see `UploadWriter`), so an upload holds less than one small batch in memory.
 */

import {
  AsyncChat,
  type ChannelSocket,
  type Producer,
  type SocketMap,
} from '../../../dispatch/index.js';
import type { Clock, ClockTimer } from '../../../server/clock.js';
import { ChunkRecycler } from '../../../socket/chunk-recycler.js';
import { SHUT_WR, SO_LINGER, SO_RCVBUF, SO_SNDBUF, SOL_SOCKET } from '../../../socket/index.js';
import type { FileSource } from '../../common/file-source.js';
import { AsciiConverter } from '../codec/ascii-converter.js';
import { UploadWriter } from './upload-writer.js';

/**
 * The most bytes asked of the socket per `recv()` during an ASCII upload: what Node reads from
 * the kernel at a time, so each call hands out one received chunk as it is, never a joined copy.
 */
const RECV_PIECE = 64 * 1024;
/**
 * The data socket's send buffer limit (`SO_SNDBUF`) during a download: two file chunks, so the
 * socket still holds one while the next is read and the loop seldom wakes to an empty socket.
 */
const SEND_SOCKET_BUFFER = 2 * 1024 * 1024;
/**
 * The receive buffer limit (`SO_RCVBUF`) during an upload: room for many received chunks, yet
 * small enough that one round, which writes what it reads, blocks the loop only briefly.
 */
const RECEIVE_SOCKET_BUFFER = 1024 * 1024;

/** Sends that hand a buffer over, uncopied. */
const OWNED = { owned: true } as const;

/** Why a transfer a fault rule cut (`cutAfter`) failed. */
export const CUT_BY_FAULT = 'cut by a fault rule';

const NOTHING = Buffer.alloc(0);

/** `SO_LINGER` {1, 0}: close() resets and drops unsent output. */
const LINGER_ZERO = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);

/** How a transfer ended. */
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
  /**
   * A fault on purpose: the transfer fails once this many bytes have moved. A download is sent
   * that far and ended (FIN); an upload is cut (reset) when more than that arrives. Default: none.
   */
  readonly cutAfter?: number | undefined;
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
  #writer: UploadWriter | null = null;
  #source: FileSource | null = null;
  /** The part of the last chunk read from `#source` that the socket has not taken yet. */
  #pending: Buffer = Buffer.alloc(0);
  /** Chunks read as they are (no conversion) and handed over, until the socket is done. */
  readonly #recycler = new ChunkRecycler();
  #converter: AsciiConverter | null = null;
  #timer: ClockTimer | null = null;
  #linger: ClockTimer | null = null;
  #lastProgress: number;
  /** Bytes after which a fault cuts the transfer (`Infinity`: never). */
  readonly #limit: number;

  /**
   * @param sock The connected data socket.
   * @param options Clock, timeouts, type and callbacks.
   */
  constructor(sock: ChannelSocket, options: DataChannelOptions) {
    super(sock, options.map);
    this.#options = options;
    this.#limit = options.cutAfter ?? Number.POSITIVE_INFINITY;
    this.#lastProgress = options.clock.now();
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
        if (this.#bytes >= this.#limit) {
          this.#sent(true);
          return NOTHING;
        }
        const next = producer.more();
        const handle = (chunk: Uint8Array): Uint8Array => {
          const whole = converter === null ? chunk : converter.transform(chunk);
          const room = this.#limit - this.#bytes;
          const out = whole.length > room ? whole.subarray(0, room) : whole;
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
   * Sends a file, then half-closes and reports completion. Each chunk is read only when the
   * socket has room for it, so a slow client holds this transfer to one chunk in memory.
   *
   * @param source The file, positioned at its first byte to send.
   */
  sendFile(source: FileSource): void {
    this.#mode = 'send';
    this.#source = source;
    this.#converter = this.#options.ascii ? new AsciiConverter('to-network') : null;
    this.#growSocketBuffer(SO_SNDBUF, SEND_SOCKET_BUFFER);
    // The first chunk is read in a round, like every other: a read error is then this channel's
    // error (the transfer fails with 426), not the caller's.
    this.wake();
  }

  /**
   * Receives into a file until the client closes the connection. Its FIN ends the file and the
   * transfer completes; a reset (or any socket error) fails it, whatever arrived before.
   *
   * @param target The open file and where to write.
   */
  receive(target: ReceiveTarget): void {
    this.#mode = 'receive';
    this.#writer = new UploadWriter({
      fd: target.fd,
      position: target.position,
      onError: (err) => this.#finish({ status: 'failed', bytes: this.#bytes, reason: err.message }),
    });
    this.#converter = this.#options.ascii ? new AsciiConverter('from-network') : null;
    this.#growSocketBuffer(SO_RCVBUF, RECEIVE_SOCKET_BUFFER);
    this.wake();
  }

  override readable(): boolean {
    // An upload is written as it is read, so it is always ready for more; the disk's pace is
    // the loop's, and while a write blocks nothing is read, so TCP slows the peer.
    return this.#mode === 'receive' || this.#mode === 'draining';
  }

  override writable(): boolean {
    if (this.#source !== null) return this.#mode === 'send' && !this.#finished;
    return super.writable();
  }

  override handleWrite(): void {
    if (this.#source !== null) this.#pumpFile();
    else super.handleWrite();
  }

  override handleRead(): void {
    if (this.#mode !== 'receive') {
      super.handleRead();
      return;
    }
    // Nothing arrives while this loop runs, so a round reads (and writes) at most the socket's
    // receive buffer. In binary mode the socket copies straight into the writer's batch, so the
    // memory the bytes arrived in is free for the next reads.
    while (this.#mode === 'receive' && !this.#finished) {
      const writer = this.#writer!;
      const room = this.#limit - this.#bytes;
      if (room <= 0) {
        // A fault's cut: the upload may end exactly there (the client's FIN); a byte more cuts it.
        if (this.recv(1).length === 0) return;
        this.#finish({ status: 'failed', bytes: this.#bytes, reason: CUT_BY_FAULT });
        return;
      }
      if (this.#converter === null) {
        const space = writer.space();
        const count = this.recvInto(space.length > room ? space.subarray(0, room) : space);
        if (count === 0) return;
        this.#progress(count);
        writer.filled(count);
      } else {
        const data = this.recv(Math.min(RECV_PIECE, room));
        if (data.length === 0) return;
        this.#progress(data.length);
        writer.push(this.#converter.transform(data));
      }
    }
  }

  override collectIncomingData(data: Buffer): void {
    // Outside an upload (draining before the close), what the client sends is dropped.
    void data;
  }

  override handleClose(): void {
    const cut = this.closeError;
    if (this.#mode === 'receive' && !this.#finished && cut !== null) {
      // A reset (or another socket error) is not the end of the file, which in stream mode only
      // the client's FIN marks: the upload is cut, and must not be committed as complete.
      this.#finish({ status: 'failed', bytes: this.#bytes, reason: cut.message });
      return;
    }
    if (this.#mode === 'receive' && !this.#finished) {
      const tail = this.#converter?.flush();
      if (tail !== undefined) this.#writer?.push(tail);
      this.#writer?.flush();
      // The last write failed: the writer's error has ended the transfer as failed.
      if (this.#finished) return;
      // Answer the client's end (with TLS, its close_notify) with ours before closing.
      this.#halfClose();
      this.#mode = 'closing';
      this.#finish({ status: 'complete', bytes: this.#bytes });
      return;
    }
    if (this.#mode === 'closing') return;
    if (this.#mode === 'draining') {
      this.#linger?.cancel();
      super.close();
      return;
    }
    this.#finish({
      status: 'failed',
      bytes: this.#bytes,
      reason: cut?.message ?? 'connection closed',
    });
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

  /**
   * Everything was handed to the socket (or, `cut`, all a fault lets through): FIN (TLS
   * close_notify first), then linger for EOF. A cut transfer is reported failed: the client has
   * a short file and the control connection says 426.
   */
  #sent(cut = false): void {
    if (this.#finished) return;
    queueMicrotask(() => {
      if (this.#finished) return;
      this.#halfClose();
      this.#mode = 'draining';
      this.#report(
        cut
          ? { status: 'failed', bytes: this.#bytes, reason: CUT_BY_FAULT }
          : { status: 'complete', bytes: this.#bytes },
      );
      this.wake();
    });
  }

  #halfClose(): void {
    try {
      this.socket?.shutdown(SHUT_WR);
    } catch {
      // already gone: the data went out or the peer left; either way we are done
    }
    // Linger briefly for the peer's end, then let go whatever happens.
    const linger = this.#options.clock.setTimer(2000, () => super.close());
    this.#linger = linger;
  }

  /**
   * Sends file chunks while the socket takes them. Each chunk (or its ASCII conversion) is a
   * fresh buffer nobody else holds, so it is handed over (`owned`) instead of copied;
   * the rest of a chunk the socket did not take waits in `#pending` and is never written to.
   */
  #pumpFile(): void {
    const source = this.#source;
    if (source === null || this.#mode !== 'send' || this.#finished) return;
    for (;;) {
      if (this.#pending.length === 0) {
        if (this.#bytes >= this.#limit) {
          source.close();
          this.#source = null;
          this.#sent(true);
          return;
        }
        const plain = this.#converter === null;
        const chunk = source.read(plain ? this.#recycler.take(this.#heldBySocket()) : undefined);
        if (plain) this.#recycler.reading(chunk);
        if (chunk.length === 0) {
          const tail = this.#converter?.flush();
          if (tail === undefined || tail.length === 0) {
            // The source closed its file at its end; without it the channel is writable only
            // for whatever its queue still holds.
            this.#source = null;
            this.#sent();
            return;
          }
          this.#pending = tail;
        } else this.#pending = this.#converter === null ? chunk : this.#converter.transform(chunk);
        if (this.#pending.length === 0) continue;
      }
      const room = this.#limit - this.#bytes;
      const piece = this.#pending.length > room ? this.#pending.subarray(0, room) : this.#pending;
      const sent = this.send(piece, OWNED);
      if (sent === 0) return;
      this.#recycler.handed(sent);
      this.#progress(sent);
      // At a fault's cut the rest of the chunk is never sent.
      this.#pending = this.#bytes >= this.#limit ? NOTHING : this.#pending.subarray(sent);
      if (this.#pending.length > 0) return;
    }
  }

  /** What the socket holds of what it was handed (unknown for a socket that cannot tell). */
  #heldBySocket(): number | undefined {
    return (this.socket as { pendingSendBytes?: number } | null)?.pendingSendBytes;
  }

  /** Raises a socket buffer limit for a bulk transfer (best effort: a fake socket may refuse). */
  #growSocketBuffer(option: number, size: number): void {
    try {
      const current = this.socket?.getsockopt(SOL_SOCKET, option);
      if (typeof current === 'number' && current < size)
        this.socket?.setsockopt(SOL_SOCKET, option, size);
    } catch {
      // keep the socket's own limit
    }
  }

  #report(outcome: TransferOutcome): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#timer?.cancel();
    this.#timer = null;
    this.#options.onDone(outcome);
  }

  #finish(outcome: TransferOutcome): void {
    if (this.#mode === 'receive' && !this.#finished) {
      // Bytes received are accepted: a cut or aborted upload (kept for a resume with
      // keepPartialUploads) holds every one of them, not just the full batches. Should this
      // write fail, its error ends the transfer instead, from inside flush().
      this.#writer?.flush();
      if (this.#finished) return;
    }
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
    this.#source?.close();
    this.#pending = Buffer.alloc(0);
    if (outcome.status === 'failed') {
      // A cut transfer's unsent bytes are worthless: reset, so a client that stopped reading
      // does not keep the descriptor while the socket lingers to deliver them.
      try {
        this.socket?.setsockopt(SOL_SOCKET, SO_LINGER, LINGER_ZERO);
      } catch {
        // a socket without SO_LINGER just closes
      }
    }
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
      if (since >= limit) this.abort('data connection timed out');
      else this.#armStall(Math.max(limit - since, 1));
    });
  }
}
