/**
 * One accelerator: a fast path on Node internals (or polyport's native addon) beside a public
 * path that always remains. This object decides, per process, whether the fast path may run.
 *
 * Why: Node does not promise to keep its internals, and a fast path that breaks must cost speed,
 * never a connection. So an accelerator runs only when
 * - its public switch (`POLYPORT_PUBLIC_READS=1`, …) is not set,
 * - the running Node is a major CI tests (node-majors.ts) and one where the accelerator showed a
 *   gain (its `majors`; `POLYPORT_ACCELERATE=force` overrides both),
 * - what it needs is there (the addon is built, …),
 * - and its self-test — a loopback round trip through the fast path, checked byte for byte —
 *   has passed once in this process. Until then callers take the public path.
 * An exception inside the fast path calls {@link Accelerator.fail}: the accelerator is off for
 * the rest of the process (one warning line), and the caller retries on the public path.
 */
import { nodeMajor, untestedNodeReason } from './node-majors.js';

/** What {@link Accelerator.status} reports: for the serve listing, the status page, /metrics. */
export interface AcceleratorStatus {
  /** The accelerator's name, as in `/metrics` (`slab_reads`). */
  readonly name: string;
  /** Whether the fast path runs now. */
  readonly active: boolean;
  /** Why it is off (empty when active; "self-test pending" before the self-test ended). */
  readonly reason: string;
}

/** How an accelerator is built. */
export interface AcceleratorOptions {
  /** The name in reports and metrics (`slab_reads`). */
  readonly name: string;
  /** The environment variable that, set to `1`, keeps the public path. */
  readonly publicSwitch: string;
  /**
   * The tested majors where `npm run bench` showed a gain (default: every tested major); on
   * the others the public path is as fast or faster, so it runs. `POLYPORT_ACCELERATE=force`
   * overrides.
   */
  readonly majors?: readonly number[];
  /** Why the fast path cannot run here (the addon is missing, …), or null when it can. */
  readonly missing: () => string | null;
  /** The round trip through the fast path; rejects (or throws) when it does not hold. */
  readonly selfTest: () => Promise<void>;
}

const forced = (): boolean => process.env.POLYPORT_ACCELERATE === 'force';

/** A self-test that has not finished in this time has failed (a stuck fast path). */
const SELF_TEST_TIMEOUT_MS = 5000;

/** Where the one warning line goes when an accelerator turns itself off (tests replace it). */
let warn = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Replaces where accelerator warnings go (by default one line on stderr).
 * @param sink called with one line per accelerator turned off.
 * @returns the previous sink.
 * @example setAcceleratorWarningSink((line) => logger.warn(line));
 */
export function setAcceleratorWarningSink(sink: (line: string) => void): (line: string) => void {
  const previous = warn;
  warn = sink;
  return previous;
}

/**
 * The per-process state of one accelerator (see the module comment).
 *
 * @example
 * const reads = new Accelerator({ name: 'slab_reads', publicSwitch: 'POLYPORT_PUBLIC_READS',
 *   missing: () => null, selfTest: async () => {} });
 * if (reads.usable()) attach(); // else the public path
 */
export class Accelerator {
  readonly name: string;
  readonly publicSwitch: string;
  /** Where it may run (undefined: every tested major). */
  readonly majors: readonly number[] | undefined;
  readonly #options: AcceleratorOptions;
  /** The self-test's run, once started. */
  #selfTest: Promise<boolean> | null = null;
  #passed = false;
  /** Why the accelerator is off for good in this process (self-test or run-time failure). */
  #failure: string | null = null;

  /** @param options its name, switch, prerequisites and self-test. */
  constructor(options: AcceleratorOptions) {
    this.name = options.name;
    this.publicSwitch = options.publicSwitch;
    this.majors = options.majors;
    this.#options = options;
  }

  /** What {@link AcceleratorOptions.missing} said, asked once: it does not change. */
  #missing: string | null | undefined;

  /** Why the fast path may not run regardless of its self-test, or null. */
  #blocked(): string | null {
    if (process.env[this.publicSwitch] === '1') return `${this.publicSwitch}=1`;
    const untested = untestedNodeReason();
    if (untested !== null) return untested;
    const majors = this.#options.majors;
    if (majors !== undefined && !majors.includes(nodeMajor()) && !forced()) {
      return `no gain measured on Node ${nodeMajor()}; on for ${majors.join(', ')}, or with POLYPORT_ACCELERATE=force`;
    }
    if (this.#missing === undefined) this.#missing = this.#options.missing();
    return this.#missing;
  }

  /**
   * Whether the fast path may be used now. The first call where it is wanted starts the
   * self-test; until that has passed this returns false (take the public path).
   * @returns true when the caller may use the fast path.
   */
  usable(): boolean {
    if (this.#failure !== null || this.#blocked() !== null) return false;
    if (this.#passed) return true;
    void this.ready();
    return false;
  }

  /**
   * Calls `attach` now when the fast path is usable, or once its self-test passes when that is
   * still running; never when it is off. The switches are read now, not later.
   * @param attach moves something onto the fast path (must check itself whether that is still
   *   wanted when called later).
   */
  whenUsable(attach: () => void): void {
    if (this.usable()) attach();
    else if (this.#failure === null && this.#blocked() === null) {
      void this.ready().then((ok) => {
        if (ok) attach();
      });
    }
  }

  /**
   * Runs the self-test, once per process, if the fast path is wanted here.
   * @returns whether the fast path is usable.
   */
  ready(): Promise<boolean> {
    if (this.#failure !== null || this.#blocked() !== null) return Promise.resolve(false);
    this.#selfTest ??= this.#runSelfTest();
    return this.#selfTest;
  }

  async #runSelfTest(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${SELF_TEST_TIMEOUT_MS} ms`)),
        SELF_TEST_TIMEOUT_MS,
      );
      timer.unref();
    });
    try {
      await Promise.race([this.#options.selfTest(), timeout]);
      if (this.#failure !== null) return false;
      this.#passed = true;
      return true;
    } catch (err) {
      this.fail(err, 'self-test');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Turns the accelerator off for the rest of the process, with one warning line. Callers then
   * redo the operation on the public path.
   * @param err what went wrong.
   * @param during where (`self-test`, `attach`, `recv` …), for the warning.
   */
  fail(err: unknown, during: string): void {
    if (this.#failure !== null) return;
    const message = err instanceof Error ? err.message : String(err);
    this.#failure = `${during} failed: ${message}`;
    this.#passed = false;
    warn(
      `polyport: accelerator ${this.name} turned off (${this.#failure}); using Node's public path`,
    );
  }

  /** Whether {@link fail} turned it off: cheap enough for a per-read check (no env look-up). */
  get failed(): boolean {
    return this.#failure !== null;
  }

  /**
   * Where this accelerator stands now.
   * @returns its name, whether it is active, and why not.
   */
  status(): AcceleratorStatus {
    const reason =
      this.#failure ??
      this.#blocked() ??
      (this.#passed ? '' : this.#selfTest === null ? 'not used yet' : 'self-test pending');
    return { name: this.name, active: reason === '', reason };
  }
}
