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
