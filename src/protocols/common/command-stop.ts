/**
 * The hook a line-protocol session (SMTP, POP3, FTP) asks before it carries out a command, so
 * its glue can stop the command for a fault on purpose (a delay, a reply of the rule's own, a
 * disconnect) and then let it go on or drop it. Sans-I/O: the session only stops and resumes.
 */

/**
 * Asked with a command's verb (upper case) and argument before the session carries it out;
 * true stops it: the session emits a {@link StoppedEvent} and answers no further command until
 * its `resumeStopped()`.
 *
 * @example
 * const stop: StopCommand = (verb) => verb === 'RCPT'; // every RCPT waits for the glue
 */
export type StopCommand = (verb: string, arg: string) => boolean;

/**
 * A command the session's {@link StopCommand} stopped. Decide with `resumeStopped(reply)` (that
 * one line is the answer; the command has no effect) or `resumeStopped()` (carry it out).
 *
 * @example
 * const ev: StoppedEvent = { type: 'stopped', verb: 'RCPT' };
 */
export interface StoppedEvent {
  readonly type: 'stopped';
  readonly verb: string;
}

/**
 * A session's side of {@link StopCommand}: asks the hook, holds the command it stopped until
 * the glue decides, and hands a command let go on back once, to be carried out without asking
 * again. The SMTP, POP3 and FTP sessions each keep one; `T` is what they hold of a command
 * (its line, or its parsed event).
 *
 * @example
 * const gate = new CommandGate<string>((verb) => verb === 'RCPT');
 * gate.stops('RCPT', '<a@b.test>', 'RCPT TO:<a@b.test>'); // true: held
 * gate.resume(true);
 * gate.takeResumed(); // 'RCPT TO:<a@b.test>', carried out now
 */
export class CommandGate<T> {
  readonly #stop: StopCommand | undefined;
  /** The command the hook stopped, until {@link resume}. */
  #stopped: T | null = null;
  /** A stopped command let go on: carried out next, without asking again. */
  #resumed: T | null = null;

  /** @param stop the session's `stopCommand` option (none: nothing is ever stopped). */
  constructor(stop: StopCommand | undefined) {
    this.#stop = stop;
  }

  /**
   * Asks the hook about a command; when it says stop, holds `command` until {@link resume}.
   * @returns true when the command is stopped.
   */
  stops(verb: string, arg: string, command: T): boolean {
    if (this.#stop?.(verb, arg) !== true) return false;
    this.#stopped = command;
    return true;
  }

  /**
   * Ends a stop.
   * @param carryOut true: the held command is carried out (next {@link takeResumed}); false: it
   *   is dropped (the glue answered in its place).
   * @returns the held command, or null when none was held.
   */
  resume(carryOut: boolean): T | null {
    const command = this.#stopped;
    this.#stopped = null;
    if (carryOut) this.#resumed = command;
    return command;
  }

  /** The command let go on, once (then null). */
  takeResumed(): T | null {
    const command = this.#resumed;
    this.#resumed = null;
    return command;
  }

  /** Whether `command` is the one let go on, forgetting it if so: it passes without asking. */
  isResumed(command: T): boolean {
    if (command !== this.#resumed) return false;
    this.#resumed = null;
    return true;
  }
}
