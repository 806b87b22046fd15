/**
 * `CommandFaults`: fault rules at each command of a line protocol (SMTP, POP3, FTP), written
 * once for all three. The session asks before it carries out a command; a command with a fault
 * is stopped, and this does the fault (waits the delay on the connection's clock, closes without
 * a reply, or answers in the rule's words) before the session goes on or drops the command.
 */
import type { ClockTimer } from './clock.js';
import type { Connection } from './connection.js';
import type { FaultAction, FaultFacts } from './fault-hook.js';

/** A step's facts without the peer, which {@link CommandFaults} adds. */
export type CommandFacts = Omit<FaultFacts, 'peer'>;

/** What a stopped command becomes once its fault is done. */
export interface StoppedCommand {
  /** Send `reply` (one line, no line end) instead of the command's own answer; it has no effect. */
  answer(reply: string): void;
  /** Carry the command out as if nothing had happened. */
  goOn(): void;
  /**
   * Hang up without answering, the protocol's own way (POP3 unlocks the mailbox first, so a
   * client that reconnects at once finds it free). Default: close once the replies already
   * written are out.
   */
  disconnect?(): void | Promise<void>;
}

/**
 * One connection's command faults. `check()` at each command (the session's stop hook),
 * `act()` when the session reports the command stopped, `cancel()` when the connection ends.
 * Without a host (no `observer.fault`) nothing is ever stopped.
 *
 * @example
 * const faults = new CommandFaults(connection);
 * const smtp = new SmtpServerSession({ hostname, stopCommand: (verb) => faults.check({ command: verb }) });
 * // handleEvent: case 'stopped': return faults.act({ answer: (r) => smtp.resumeStopped(r), goOn: () => smtp.resumeStopped() });
 */
export class CommandFaults {
  readonly #connection: Connection<unknown>;
  /** The fault of the command stopped, for `act()`. */
  #stopped: FaultAction | undefined;
  /** `cutAfter` of the last command checked, for its transfer. */
  #cut: number | undefined;
  #timer: ClockTimer | null = null;
  #wake: (() => void) | null = null;

  /** @param connection The connection whose observer holds the rules and whose clock waits. */
  constructor(connection: Connection<unknown>) {
    this.#connection = connection;
  }

  /** Whether the host asks its rules at all (a server used alone: no). */
  get armed(): boolean {
    return this.#connection.observer.fault !== undefined;
  }

  /**
   * Asks the rules about one step. A rule with only `cutAfter` does not stop it: its count is
   * kept for the transfer that follows ({@link takeCut}).
   * @param facts The step (command verb, user, path…).
   * @returns true when the step must stop until {@link act} has done its fault.
   */
  check(facts: CommandFacts): boolean {
    this.#cut = undefined;
    const fault = this.#connection.observer.fault;
    if (fault === undefined) return false;
    const action = fault({ peer: this.#connection.peer, ...facts });
    if (action === undefined) return false;
    this.#cut = action.cutAfter;
    if (action.delay === undefined && action.reply === undefined && action.disconnect !== true) {
      return false;
    }
    this.#stopped = action;
    return true;
  }

  /**
   * The `cutAfter` of the command just checked, once: the transfer it starts closes the
   * connection after that many bytes.
   */
  takeCut(): number | undefined {
    const cut = this.#cut;
    this.#cut = undefined;
    return cut;
  }

  /**
   * Does the fault of the stopped command: waits its `delay` (the connection reads nothing
   * meanwhile, its own timeouts run as ever), then closes without a reply once earlier replies
   * are out (`disconnect`), or answers with `reply`, or lets the command go on.
   * @param command How to answer or resume the stopped command.
   * @returns a promise while the delay runs.
   */
  act(command: StoppedCommand): void | Promise<void> {
    const action = this.#stopped;
    this.#stopped = undefined;
    if (action === undefined) {
      command.goOn();
      return;
    }
    if (action.delay === undefined || action.delay === 0) return this.#finish(action, command);
    return this.#sleep(action.delay).then(() => {
      if (!this.#connection.isClosed) return this.#finish(action, command);
    });
  }

  /** The connection ended: a delay running ends now, and nothing follows it. */
  cancel(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#wake?.();
  }

  #finish(action: FaultAction, command: StoppedCommand): void | Promise<void> {
    if (action.disconnect === true) {
      // The command and all after it go unanswered; what was answered before still goes out.
      const connection = this.#connection;
      connection.closing = true;
      if (command.disconnect !== undefined) return command.disconnect();
      connection.flush();
      connection.closeWhenDone();
    } else if (action.reply !== undefined) command.answer(action.reply);
    else command.goOn();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#timer = null;
        this.#wake = null;
        resolve();
      };
      this.#wake = wake;
      this.#timer = this.#connection.clock.setTimer(ms, wake);
    });
  }
}
