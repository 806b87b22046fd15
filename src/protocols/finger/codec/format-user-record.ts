/**
 * The long user record a finger server sends for a named user (RFC 1288 section 2.5.2) and for
 * a verbose `/W` list.
 */

import type { FingerUser } from './finger-user.js';
import { type FingerTextOptions, ReplyText } from './reply-text.js';
import { oneLine, splitLines } from './sanitize-text.js';
import { longIdle, longLoginTime } from './time-text.js';

/** The line sent for a user without a plan, as BSD finger prints it. */
export const NO_PLAN = 'No Plan.';

function pair(left: string, right: string): string {
  return `${left.padEnd(39, ' ')} ${right}`;
}

/**
 * Writes one user's long record in the BSD finger layout:
 *
 * ```
 * Login: alice                            Name: Alice Liddell
 * Directory: /home/alice                  Shell: /bin/sh
 * Office: Rabbit hole
 * On since Tue Nov 24 15:17 (UTC) on pts/0 from tea.party
 *      5 minutes idle
 * Project: Looking-glass survey
 * Plan:
 * Follow the white rabbit.
 * ```
 *
 * `Never logged in.` replaces the session lines and `No Plan.` the plan when there is none.
 *
 * @param text The reply being built.
 * @param user The user to show.
 * @returns Nothing; the lines go into `text`.
 * @throws Never.
 * @example
 * const text = new ReplyText();
 * writeUserRecord(text, alice);
 */
export function writeUserRecord(text: ReplyText, user: FingerUser): void {
  text.line(pair(`Login: ${oneLine(user.login)}`, `Name: ${oneLine(user.name)}`));
  text.line(pair(`Directory: ${oneLine(user.home)}`, `Shell: ${oneLine(user.shell)}`));
  if (user.office !== undefined && user.office !== '') text.line(`Office: ${oneLine(user.office)}`);
  const session = user.loggedIn;
  if (session === undefined) {
    text.line('Never logged in.');
  } else {
    const from = session.from === undefined ? '' : ` from ${oneLine(session.from)}`;
    text.line(`On since ${longLoginTime(session.since)} on ${oneLine(session.tty)}${from}`);
    const idle = longIdle(session.idleSeconds ?? 0);
    if (idle !== '') text.line(`     ${idle}`);
  }
  const project = splitLines(user.project ?? '');
  if (project.length > 0) {
    text.line(`Project: ${project[0] ?? ''}`);
    for (const line of project.slice(1)) text.line(line);
  }
  const plan = splitLines(user.plan ?? '');
  if (plan.length === 0 || plan.every((line) => line.trim() === '')) {
    text.line(NO_PLAN);
  } else {
    text.line('Plan:');
    for (const line of plan) text.line(line);
  }
}

/**
 * Writes several long records separated by blank lines.
 *
 * @param text The reply being built.
 * @param users The users to show, in order.
 * @returns Nothing; the lines go into `text`.
 * @throws Never.
 * @example
 * writeUserRecords(new ReplyText(), [alice, bob]);
 */
export function writeUserRecords(text: ReplyText, users: readonly FingerUser[]): void {
  users.forEach((user, index) => {
    if (index > 0) text.line('');
    writeUserRecord(text, user);
  });
}

/**
 * Formats long user records, the reply to `user`, `/W user` and `/W`.
 *
 * @param users The users to show (several when a name matched more than one).
 * @param options The size bound and character set.
 * @returns The reply bytes, every line ending in CRLF, no control characters but CR and LF.
 * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
 * @example
 * formatUserRecords([{ login: 'bob', name: 'Bob', home: '/home/bob', shell: '/bin/sh' }]).toString();
 * // 'Login: bob ... Name: Bob\r\nDirectory: /home/bob ... Shell: /bin/sh\r\nNever logged in.\r\nNo Plan.\r\n'
 */
export function formatUserRecords(
  users: readonly FingerUser[],
  options: FingerTextOptions = {},
): Buffer {
  const text = new ReplyText(options);
  writeUserRecords(text, users);
  return text.toBuffer();
}
