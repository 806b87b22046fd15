/**
 * Faults on purpose in the bytes of one HTTP response: sent a few bytes at a time, cut by a
 * reset once the head is out, or given a chunk-size line no client can parse. The handler
 * answers as usual; what it writes goes through here instead of straight to the connection.
 */
import type { Producer } from '../../../dispatch/index.js';
import type { Clock, ClockTimer } from '../../../server/clock.js';
import type { FaultAction } from '../../../server/fault-hook.js';
import type { HttpResponse, ResponseSink } from './http-response.js';

const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** A chunk-size line that is not hexadecimal: curl says "Illegal or missing hexadecimal sequence". */
const BROKEN_CHUNK_SIZE = Buffer.from('zz\r\n', 'latin1');

/** What a faulted response needs of its connection besides being its sink. */
export interface FaultedConnection extends ResponseSink {
  readonly clock: Clock;
  /** Closes with a reset (RST), dropping what is queued. */
  abort(): void;
}

/**
 * Whether a fault changes the response's bytes (`dribble`, `resetAfterHead`, `malformedChunk`),
 * so its output must go through a {@link FaultedSink}.
 *
 * @param action the fault.
 * @returns true when the bytes are faulted.
 * @example shapesOutput({ dribble: { bytes: 1, everyMs: 10 } }); // true
 */
export function shapesOutput(action: FaultAction): boolean {
  return (
    action.dribble !== undefined || action.resetAfterHead === true || action.malformedChunk === true
  );
}

/**
 * The sink of a faulted response: the response's head and body (bytes and producers alike, in
 * order) become one producer on the connection, which gives them out as the fault says.
 *
 * @example
 * const response = new HttpResponse(request, new FaultedSink(channel, { resetAfterHead: true }));
 */
export class FaultedSink implements ResponseSink {
  readonly #connection: FaultedConnection;
  readonly #action: FaultAction;
  #output: FaultedOutput | null = null;

  /**
   * @param connection the connection the response belongs to.
   * @param action the fault (one that {@link shapesOutput}).
   */
  constructor(connection: FaultedConnection, action: FaultAction) {
    this.#connection = connection;
    this.#action = action;
  }

  get heads() {
    return this.#connection.heads;
  }

  commonHeaders(): string {
    return this.#connection.commonHeaders();
  }

  write(response: HttpResponse, bytes: Uint8Array, owned = false): void {
    // Held until given out, perhaps for long: a buffer the caller may reuse is copied.
    this.#outputOf(response).add(owned ? bytes : Buffer.from(bytes));
  }

  produce(response: HttpResponse, producer: Producer): void {
    this.#outputOf(response).add(producer);
  }

  finish(response: HttpResponse): void {
    this.#outputOf(response).end();
    this.#connection.finish(response);
  }

  sent(response: HttpResponse, bytes: number): void {
    this.#connection.sent(response, bytes);
  }

  #outputOf(response: HttpResponse): FaultedOutput {
    if (this.#output === null) {
      this.#output = new FaultedOutput(this.#connection, this.#action);
      this.#connection.produce(response, this.#output);
    }
    return this.#output;
  }
}

/** The response's bytes in order, given out to the socket as the fault says. */
class FaultedOutput implements Producer {
  readonly #connection: FaultedConnection;
  readonly #action: FaultAction;
  readonly #queue: Array<Uint8Array | Producer> = [];
  /** The response has queued everything. */
  #ended = false;
  /** Nothing more is given out (the fault is done, or the connection closed). */
  #done = false;
  #headOut = false;
  /** Bytes taken from the queue and not yet given out (dribble). */
  #rest: Uint8Array = EMPTY;
  #wake: (() => void) | null = null;
  #timer: ClockTimer | null = null;

  constructor(connection: FaultedConnection, action: FaultAction) {
    this.#connection = connection;
    this.#action = action;
  }

  add(item: Uint8Array | Producer): void {
    if (this.#done) {
      if (!(item instanceof Uint8Array)) item.close?.();
      return;
    }
    this.#queue.push(item);
    this.#poke();
  }

  end(): void {
    this.#ended = true;
    this.#poke();
  }

  async more(): Promise<Uint8Array> {
    if (this.#done) return EMPTY;
    const dribble = this.#action.dribble;
    if (dribble !== undefined) return this.#dribble(dribble.bytes, dribble.everyMs);
    if (this.#headOut) {
      if (this.#action.resetAfterHead === true) {
        // Not from inside the socket's own send loop: on the next turn of the clock.
        this.#timer = this.#connection.clock.setTimer(0, () => {
          if (!this.#done) this.#connection.abort();
        });
        return new Promise<Uint8Array>(() => {});
      }
      return this.#stop();
    }
    const head = await this.#head();
    this.#headOut = true;
    if (this.#action.malformedChunk !== true) return head;
    return Buffer.concat([chunkedHead(head), BROKEN_CHUNK_SIZE]);
  }

  close(): void {
    this.#stop();
  }

  /** The next `bytes` of the response, `everyMs` after the last. */
  async #dribble(bytes: number, everyMs: number): Promise<Uint8Array> {
    if (this.#headOut && everyMs > 0) {
      await new Promise<void>((resolve) => {
        this.#timer = this.#connection.clock.setTimer(everyMs, resolve);
      });
    }
    while (this.#rest.length === 0) {
      const next = await this.#next();
      if (next === null) return this.#stop();
      this.#rest = next;
    }
    const piece = this.#rest.subarray(0, bytes);
    this.#rest = this.#rest.subarray(piece.length);
    this.#headOut = true;
    return piece;
  }

  /** The response head: the start of its first bytes, up to the blank line. */
  async #head(): Promise<Uint8Array> {
    const first = (await this.#next()) ?? EMPTY;
    const end = Buffer.from(first.buffer, first.byteOffset, first.byteLength).indexOf(HEAD_END);
    return end < 0 ? first : first.subarray(0, end + HEAD_END.length);
  }

  /** The next bytes the response queued, waiting for them; null once it has ended. */
  async #next(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.#done) return null;
      const first = this.#queue[0];
      if (first === undefined) {
        if (this.#ended) return null;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      if (first instanceof Uint8Array) {
        this.#queue.shift();
        if (first.length > 0) return first;
        continue;
      }
      const chunk = await first.more();
      if (chunk.length > 0) return chunk;
      this.#queue.shift();
    }
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Gives out nothing more: producers not drained are closed, a timer cancelled. */
  #stop(): Uint8Array {
    this.#done = true;
    this.#timer?.cancel();
    this.#timer = null;
    for (const item of this.#queue.splice(0)) if (!(item instanceof Uint8Array)) item.close?.();
    this.#poke();
    return EMPTY;
  }
}

/**
 * The head with chunked framing in place of its own (its `Content-Length` and any
 * `Transfer-Encoding` removed), so a broken chunk-size line can follow it.
 */
function chunkedHead(head: Uint8Array): Buffer {
  const lines = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
    .toString('latin1')
    .split('\r\n')
    .filter((line) => line !== '' && !/^(content-length|transfer-encoding):/i.test(line));
  return Buffer.from(`${lines.join('\r\n')}\r\nTransfer-Encoding: chunked\r\n\r\n`, 'latin1');
}
