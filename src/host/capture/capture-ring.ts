/**
 * A bounded ring of captured events: the newest `capacity` are kept, the oldest fall out, so a
 * busy service's capture costs a fixed amount of memory however long the host runs.
 */
import type { CapturedEvent } from './captured-event.js';

/** The newest events of one service, at most `capacity`. */
export class CaptureRing {
  readonly capacity: number;
  readonly #slots: (CapturedEvent | undefined)[];
  /** Where the next event goes. */
  #next = 0;
  #size = 0;

  /**
   * @param capacity how many events are kept (0 keeps none).
   * @example const ring = new CaptureRing(1000);
   */
  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0)) {
      throw new RangeError(`a capture ring's capacity must be an integer >= 0, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#slots = new Array(capacity);
  }

  /** How many events are held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Keeps an event, dropping the oldest when full.
   * @param event the event.
   */
  push(event: CapturedEvent): void {
    if (this.capacity === 0) return;
    this.#slots[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /**
   * The events held, newest first.
   * @example for (const event of ring.newestFirst()) console.log(event.kind);
   */
  *newestFirst(): Generator<CapturedEvent> {
    for (let i = 1; i <= this.#size; i++) {
      yield this.#slots[(this.#next - i + this.capacity) % this.capacity]!;
    }
  }

  /**
   * Forgets the events that `drop` picks (all of them without it).
   * @param drop which events go.
   */
  clear(drop?: (event: CapturedEvent) => boolean): void {
    const kept = drop === undefined ? [] : [...this.newestFirst()].filter((e) => !drop(e));
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
    for (let i = kept.length - 1; i >= 0; i--) this.push(kept[i]!);
  }
}
