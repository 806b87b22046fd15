/**
 * The one progress bar of the command line: ports scanned, bytes downloaded or uploaded. It
 * draws on a terminal only, in automatic units (B, KiB, MiB, GiB for bytes), with the rate and
 * the time left when the total is known.
 */
import type { Clock, ClockTimer } from '../../server/clock.js';
import type { CliIO, CliOutput } from './cli-command.js';

/**
 * The real clock, with unref'd timers: the server kit's `systemClock` again, written out so a
 * client command's import graph holds no module of the server kit (test/cli/import-graph).
 */
const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Options for {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** What is counted, shown after the numbers (`'ports'`); ignored with `bytes`. */
  readonly unit?: string;
  /** Count bytes: sizes and rate in B/KiB/MiB/GiB, with the rate and ETA. */
  readonly bytes?: boolean;
  /** What is worked on (a file name), shown first. */
  readonly label?: string;
  /** Width of the bar in characters (default 30; 20 with `bytes`). */
  readonly width?: number;
  /** Milliseconds between redraws (default 100): a terminal need not see every step. */
  readonly interval?: number;
  /** The time and the redraw timer (default: the system's); injected so tests control both. */
  readonly clock?: Clock;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * Formats a byte count in the largest binary unit that keeps it at 1 or more.
 * @param n bytes.
 * @returns `'512 B'`, `'1.5 KiB'`, `'12.0 MiB'`, `'2.00 GiB'`.
 * @example formatBytes(1536); // '1.5 KiB'
 */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value.toFixed(unit >= 3 ? 2 : 1)} ${UNITS[unit]}`;
}

/**
 * Formats seconds as `m:ss`, or `h:mm:ss` from an hour on.
 * @param s seconds (rounded up).
 * @returns the text.
 * @example formatDuration(75); // '1:15'
 */
export function formatDuration(s: number): string {
  const total = Math.ceil(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * Draws `label [#########.........]  29% 1.2 MiB/4.0 MiB 350.0 KiB/s ETA 0:08` (bytes) or
 * `[#########.........]  300/1024 ports  29%` (a count) on one line, rewriting it in place
 * with a carriage return. Lines printed meanwhile go through {@link ProgressBar.print}, which
 * clears the bar first and redraws it after, so output and bar never share a line.
 *
 * The first {@link ProgressBar.update} draws the bar; after that a timer redraws it every
 * interval until {@link ProgressBar.finish}, so an update per received chunk costs a store,
 * not a clock read and a comparison, and a stalled transfer still shows its rate falling.
 *
 * @example
 * const bar = new ProgressBar(process.stderr, 1024, { unit: 'ports' });
 * bar.update(512);
 * bar.finish();
 */
export class ProgressBar {
  readonly #stream: CliOutput;
  readonly #total: number | null;
  readonly #unit: string;
  readonly #bytes: boolean;
  readonly #label: string;
  readonly #width: number;
  readonly #interval: number;
  readonly #clock: Clock;
  readonly #started: number;
  #done = 0;
  #timer: ClockTimer | null = null;
  #finished = false;
  #visible = false;

  /**
   * @param stream where to draw (a terminal).
   * @param total the count at which the work is done; `null` when unknown (no bar, no ETA).
   * @param options unit or bytes, label, width, redraw interval and clock.
   * @throws {RangeError} when `total` is negative or not finite.
   */
  constructor(stream: CliOutput, total: number | null, options: ProgressBarOptions = {}) {
    if (total !== null && (!Number.isFinite(total) || total < 0)) {
      throw new RangeError(`ProgressBar: total must be a finite number >= 0, got ${total}`);
    }
    this.#stream = stream;
    this.#total = total;
    this.#unit = options.unit ?? '';
    this.#bytes = options.bytes === true;
    this.#label = options.label ?? '';
    this.#width = options.width ?? (this.#bytes ? 20 : 30);
    this.#interval = options.interval ?? 100;
    this.#clock = options.clock ?? realClock;
    this.#started = this.#clock.now();
  }

  /**
   * Records progress; the first call draws the bar and starts the redraw timer.
   * @param done units finished so far.
   */
  update(done: number): void {
    this.#done = done;
    if (this.#timer !== null || this.#finished) return;
    this.#draw();
    this.#redrawLater();
  }

  /**
   * Prints a line of output above the bar. Output on stdout goes through here too when stdout
   * and the bar share a terminal.
   * @param line the text, without its line ending.
   * @param out where the line goes (default: the bar's stream).
   */
  print(line: string, out: CliOutput = this.#stream): void {
    this.#clear();
    out.write(`${line}\n`);
    if (!this.#finished) this.#draw();
  }

  /** Removes the bar and stops its timer, leaving the line empty for what follows. */
  finish(): void {
    this.#finished = true;
    this.#timer?.cancel();
    this.#timer = null;
    this.#clear();
  }

  /**
   * Renders the bar's text for `done` units (no control characters).
   * @param done units finished.
   * @param elapsed milliseconds since the start (default: by the bar's clock), for rate and ETA.
   * @returns the line.
   */
  render(done: number, elapsed = this.#clock.now() - this.#started): string {
    const total = this.#total;
    const share = total === null ? null : total === 0 ? 1 : Math.min(1, Math.max(0, done / total));
    const bar =
      share === null
        ? ''
        : (() => {
            const filled = Math.round(share * this.#width);
            return `[${'#'.repeat(filled)}${'.'.repeat(this.#width - filled)}]`;
          })();
    const pct = share === null ? '' : `${String(Math.floor(share * 100)).padStart(3)}%`;
    if (!this.#bytes) {
      const digits = String(total ?? done).length;
      const unit = this.#unit === '' ? '' : ` ${this.#unit}`;
      const count = `${String(done).padStart(digits)}${total === null ? '' : `/${total}`}${unit}`;
      return [this.#label, bar, count, pct].filter((p) => p !== '').join(' ');
    }
    const seconds = Math.max(elapsed / 1000, 0.001);
    const rate = done / seconds;
    const size = total === null ? formatBytes(done) : `${formatBytes(done)}/${formatBytes(total)}`;
    const eta =
      total === null || done >= total || rate <= 0 || elapsed < 500
        ? ''
        : `ETA ${formatDuration((total - done) / rate)}`;
    return [this.#label, bar, pct, size, `${formatBytes(rate)}/s`, eta]
      .filter((p) => p !== '')
      .join(' ');
  }

  #redrawLater(): void {
    // The real clock's timers are unref'd: a bar never keeps the process alive on its own.
    this.#timer = this.#clock.setTimer(this.#interval, () => {
      this.#timer = null;
      if (this.#finished) return;
      this.#draw();
      this.#redrawLater();
    });
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

/**
 * Whether a command would draw a progress bar: not with `--no-progress`, and only when stderr
 * is a terminal. A command asks first when finding the total costs something (an FTP `SIZE`).
 * @param io the command's streams (the bar goes to stderr).
 * @param noProgress `--no-progress` from the command line.
 * @returns true when {@link progressBar} would give a bar.
 * @example const size = progressWanted(io, values['no-progress']) ? await ftp.size(path) : null;
 */
export function progressWanted(io: CliIO, noProgress?: boolean): boolean {
  return noProgress !== true && io.stderr.isTTY === true;
}

/**
 * The progress bar a command draws for one transfer or job, or `null` when none is wanted:
 * with `--no-progress`, or when stderr is not a terminal (a log file or a pipe gets no
 * carriage-return noise), whatever stdout is.
 * @param io the command's streams (the bar goes to stderr).
 * @param total the expected count or size, `null`/NaN when unknown.
 * @param options `noProgress` from the command line, and the bar's options.
 * @returns the bar, or `null`.
 * @example
 * const bar = progressBar(io, size, { bytes: true, label: 'pub/big.iso', noProgress: values['no-progress'] });
 * bar?.update(received);
 * bar?.finish();
 */
export function progressBar(
  io: CliIO,
  total: number | null,
  options: ProgressBarOptions & { readonly noProgress?: boolean | undefined } = {},
): ProgressBar | null {
  if (!progressWanted(io, options.noProgress)) return null;
  const known = total !== null && Number.isFinite(total) && total >= 0 ? total : null;
  return new ProgressBar(io.stderr, known, options);
}
