/**
 * The ident reply (RFC 1413 section 3): `<ports> : USERID : <opsys> : <user-id>` or
 * `<ports> : ERROR : <error-type>`, one line ending in CRLF.
 */

/** The error types RFC 1413 defines. */
export type IdentError = 'INVALID-PORT' | 'NO-USER' | 'HIDDEN-USER' | 'UNKNOWN-ERROR';

/** What the server says of one connection. */
export type IdentAnswer =
  | {
      readonly type: 'user';
      /** The operating system token (`UNIX`, `OTHER`). */
      readonly opsys: string;
      readonly userId: string;
    }
  | { readonly type: 'error'; readonly error: IdentError };

/** The longest user id sent (RFC 1413 allows 512 octets). */
const MAX_USER_ID = 512;

/**
 * Formats a reply line. The user id loses what the RFC does not allow in it (NUL, CR, LF) and
 * any other control character, and is cut at 512 octets; a user id left empty is `NO-USER`.
 *
 * @param serverPort the query's port on the server's host.
 * @param clientPort the query's port on the asking host.
 * @param answer the user, or the error.
 * @returns the line, CRLF included.
 * @example
 * formatIdentReply(6193, 23, { type: 'user', opsys: 'UNIX', userId: 'stjohns' });
 * // '6193, 23 : USERID : UNIX : stjohns\r\n'
 */
export function formatIdentReply(
  serverPort: number,
  clientPort: number,
  answer: IdentAnswer,
): string {
  const ports = `${serverPort}, ${clientPort}`;
  if (answer.type === 'error') return `${ports} : ERROR : ${answer.error}\r\n`;
  const userId = answer.userId.replace(/[\x00-\x1f\x7f]/g, '').slice(0, MAX_USER_ID);
  if (userId === '') return `${ports} : ERROR : NO-USER\r\n`;
  return `${ports} : USERID : ${answer.opsys} : ${userId}\r\n`;
}
