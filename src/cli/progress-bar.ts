/**
 * A one-line progress bar for a terminal, for client tools that count units of work.
 */
import type { Writable } from 'node:stream';

/** Options for {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** What is counted, shown after the numbers (`'ports'`). */
  readonly unit?: string;
  /** Width of the bar in characters (default 30). */
  readonly width?: number;
  /** Milliseconds between redraws at most (default 100): a terminal need not see every step. */
  readonly interval?: number;
  /** The clock, in milliseconds (default `Date.now`); injected so tests control redraws. */
  readonly now?: () => number;
}

/**
 * Draws `[#########.........]  300/1024 ports  29%` on one line, rewriting it in place with a
 * carriage return. Lines printed meanwhile go through {@link ProgressBar.print}, which clears
 * the bar first and redraws it after, so output and bar never share a line.
 *
 * @example
 * const bar = new ProgressBar(process.stderr, 1024, { unit: 'ports' });
 * bar.update(512);
 * bar.finish();
 */
export class ProgressBar {
  readonly #stream: Writable;
  readonly #total: number;
  readonly #unit: string;
  readonly #width: number;
  readonly #interval: number;
  readonly #now: () => number;
  #done = 0;
  #drawnAt = Number.NEGATIVE_INFINITY;
  #visible = false;

  /**
   * @param stream where to draw (a terminal).
   * @param total the count at which the work is done.
   * @param options unit, width, redraw interval and clock.
   * @throws {RangeError} when `total` is negative or not finite.
   */
  constructor(stream: Writable, total: number, options: ProgressBarOptions = {}) {
    if (!Number.isFinite(total) || total < 0) {
      throw new RangeError(`ProgressBar: total must be a finite number >= 0, got ${total}`);
    }
    this.#stream = stream;
    this.#total = total;
    this.#unit = options.unit ?? '';
    this.#width = options.width ?? 30;
    this.#interval = options.interval ?? 100;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Records progress and redraws, unless the last redraw was too recent.
   * @param done units finished so far.
   */
  update(done: number): void {
    this.#done = done;
    const now = this.#now();
    if (now - this.#drawnAt < this.#interval) return;
    this.#drawnAt = now;
    this.#draw();
  }

  /**
   * Prints a line of output above the bar. Output on stdout goes through here too when stdout
   * and the bar share a terminal.
   * @param line the text, without its line ending.
   * @param out where the line goes (default: the bar's stream).
   */
  print(line: string, out: Writable = this.#stream): void {
    this.#clear();
    out.write(`${line}\n`);
    this.#draw();
  }

  /** Removes the bar, leaving the line empty for what follows. */
  finish(): void {
    this.#clear();
  }

  /** Renders the bar's text for `done` units (no control characters). */
  render(done: number): string {
    const share = this.#total === 0 ? 1 : Math.min(1, Math.max(0, done / this.#total));
    const filled = Math.round(share * this.#width);
    const digits = String(this.#total).length;
    const unit = this.#unit === '' ? '' : ` ${this.#unit}`;
    return `[${'#'.repeat(filled)}${'.'.repeat(this.#width - filled)}] ${String(done).padStart(digits)}/${this.#total}${unit} ${String(Math.floor(share * 100)).padStart(3)}%`;
  }

  #draw(): void {
    this.#stream.write(`\r${this.render(this.#done)}`);
    this.#visible = true;
  }

  #clear(): void {
    // ESC [ 2 K erases the whole line; the carriage return puts the cursor back at its start.
    if (this.#visible) this.#stream.write('\r\x1b[2K');
    this.#visible = false;
  }
}
