/**
 * The short user list a finger server sends for an empty query (RFC 1288 section 2.5.1).
 */

import type { FingerUser } from './finger-user.js';
import { type FingerTextOptions, ReplyText } from './reply-text.js';
import { oneLine } from './sanitize-text.js';
import { shortIdle, shortLoginTime } from './time-text.js';

/** Options for the formatters that show times. */
export interface FingerReplyOptions extends FingerTextOptions {
  /** The current time, injected so that replies are reproducible; used for the time columns. */
  readonly now: Date;
}

/** The line sent when there is nobody to list, as BSD finger prints it. */
export const NO_ONE_LOGGED_ON = 'No one logged on.';

const HEADER = row('Login', 'Name', 'Tty', 'Idle', 'Login Time', 'Office');

/** Cuts or pads to a width counted in characters (not UTF-16 units), so columns line up. */
function column(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length >= width) return chars.slice(0, width).join('');
  return text + ' '.repeat(width - chars.length);
}

function row(login: string, name: string, tty: string, idle: string, time: string, office: string) {
  const idleColumn = idle.length >= 4 ? idle.slice(0, 4) : idle.padStart(4, ' ');
  return `${column(login, 10)} ${column(name, 20)} ${column(tty, 8)} ${idleColumn}  ${column(time, 12)}  ${office}`.trimEnd();
}

/**
 * Writes the user list into a reply: a header, then one row per user with the BSD fingerd
 * columns Login, Name, Tty, Idle, Login Time and Office. A user without a session shows `*`
 * as the tty and `No logins` as the time. An empty list is `No one logged on.`.
 *
 * @param text The reply being built.
 * @param users The users to list, in order.
 * @param now The current time.
 * @returns Nothing; the lines go into `text`.
 * @throws Never.
 * @example
 * const text = new ReplyText();
 * writeUserList(text, [], new Date());
 * text.toBuffer(); // 'No one logged on.\r\n'
 */
export function writeUserList(text: ReplyText, users: readonly FingerUser[], now: Date): void {
  if (users.length === 0) {
    text.line(NO_ONE_LOGGED_ON);
    return;
  }
  text.line(HEADER);
  for (const user of users) {
    const session = user.loggedIn;
    const office = oneLine(user.office ?? '');
    if (session === undefined) {
      text.line(row(oneLine(user.login), oneLine(user.name), '*', '', 'No logins', office));
      continue;
    }
    text.line(
      row(
        oneLine(user.login),
        oneLine(user.name),
        oneLine(session.tty),
        shortIdle(session.idleSeconds ?? 0),
        shortLoginTime(session.since, now),
        office,
      ),
    );
  }
}

/**
 * Formats the short user list, the reply to an empty finger query.
 *
 * @param users The users to list (the server decides whether that is everyone or only those
 *   logged in).
 * @param options The current time, the size bound and the character set.
 * @returns The reply bytes, every line ending in CRLF, no control characters but CR and LF.
 * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
 * @example
 * formatUserList([alice], { now: new Date() }).toString();
 * // 'Login      Name                 Tty      Idle  Login Time    Office\r\n' +
 * // 'alice      Alice Liddell        pts/0       5  Tue 15:17     Rabbit hole\r\n'
 */
export function formatUserList(users: readonly FingerUser[], options: FingerReplyOptions): Buffer {
  const text = new ReplyText(options);
  writeUserList(text, users, options.now);
  return text.toBuffer();
}
