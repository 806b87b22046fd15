/**
 * Turns a parsed finger query into the whole reply, the one call a finger server needs.
 */

import { type FingerUser, findUsers } from './finger-user.js';
import { type FingerReplyOptions, writeUserList } from './format-user-list.js';
import { writeUserRecords } from './format-user-record.js';
import type { FingerParseResult, FingerRefusal } from './parse-query.js';
import { type FingerTextOptions, ReplyText } from './reply-text.js';
import { oneLine } from './sanitize-text.js';

/** The refusal RFC 1288 section 2.5.5 suggests for a server that does not forward. */
export const FORWARDING_DENIED = 'Finger forwarding service denied';

/** Options for {@link answerQuery}. */
export interface FingerAnswerOptions extends FingerReplyOptions {
  /**
   * List every user for an empty query, not only those with a session (default `false`: BSD
   * fingerd lists who is logged on).
   */
  readonly listAllUsers?: boolean;
}

function single(line: string, options: FingerTextOptions): Buffer {
  const text = new ReplyText(options);
  text.line(line);
  return text.toBuffer();
}

/**
 * Formats the answer for a name that matches nobody.
 *
 * @param name The name from the query (control characters are stripped before it is echoed).
 * @param options The size bound and character set.
 * @returns `finger: NAME: no such user.` and CRLF, as bytes.
 * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
 * @example
 * formatNoSuchUser('carol').toString(); // 'finger: carol: no such user.\r\n'
 */
export function formatNoSuchUser(name: string, options: FingerTextOptions = {}): Buffer {
  return single(`finger: ${oneLine(name)}: no such user.`, options);
}

/**
 * Formats the refusal of a forwarding request (`user@host`). RFC 1288 section 2.5.5 lets a
 * server refuse, and section 3.2.1 recommends it: forwarding hides the real asker.
 *
 * @param options The size bound and character set.
 * @returns `Finger forwarding service denied` and CRLF, as bytes.
 * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
 * @example
 * formatForwardingDenied().toString(); // 'Finger forwarding service denied\r\n'
 */
export function formatForwardingDenied(options: FingerTextOptions = {}): Buffer {
  return single(FORWARDING_DENIED, options);
}

/**
 * Formats the answer to a query that was refused.
 *
 * @param refused The refusal from the parser.
 * @param options The size bound and character set.
 * @returns `finger: MESSAGE.` and CRLF, as bytes; the message never echoes the client's input.
 * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
 * @example
 * formatRefusal(parseQuery('/X')).toString(); // 'finger: unknown switch; only /W is known.\r\n'
 */
export function formatRefusal(refused: FingerRefusal, options: FingerTextOptions = {}): Buffer {
  return single(`finger: ${refused.message}.`, options);
}

/**
 * Answers a finger query from the server's users (RFC 1288 section 2.5):
 * - `{C}`: the short user list (`No one logged on.` when empty);
 * - `/W{C}`: the long record of each listed user;
 * - `user` or `/W user`: the long record of every match (the long record is already the most
 *   verbose form this server has, so `/W` changes nothing here), or `no such user`;
 * - `user@host`: `Finger forwarding service denied` (a codec does no I/O; a server that wants
 *   to forward handles `forward` queries itself before calling this);
 * - a refusal: its fixed message.
 *
 * @param result What the parser gave.
 * @param users Every user the server knows.
 * @param options The current time, the size bound, the character set and `listAllUsers`.
 * @returns The whole reply; the server sends it and closes the connection.
 * @throws {RangeError} If `maxReplyBytes` is not an integer of at least 64.
 * @example
 * const reply = answerQuery(parseQuery('alice'), users, { now: new Date() });
 * socket.end(reply);
 */
export function answerQuery(
  result: FingerParseResult,
  users: readonly FingerUser[],
  options: FingerAnswerOptions,
): Buffer {
  const text = new ReplyText(options);
  switch (result.type) {
    case 'refused':
      return formatRefusal(result, options);
    case 'forward':
      return formatForwardingDenied(options);
    case 'list': {
      const listed = options.listAllUsers ? users : users.filter((u) => u.loggedIn !== undefined);
      if (result.verbose && listed.length > 0) writeUserRecords(text, listed);
      else writeUserList(text, listed, options.now);
      return text.toBuffer();
    }
    case 'user': {
      const matches = findUsers(users, result.user);
      if (matches.length === 0) return formatNoSuchUser(result.user, options);
      writeUserRecords(text, matches);
      return text.toBuffer();
    }
  }
}
