/**
 * The user records a finger server answers from, and how a query name picks them.
 */

/** A login session, shown in the user list and the long record. */
export interface FingerSession {
  /** The terminal line, e.g. `pts/0`. */
  readonly tty: string;
  /** When the session began. */
  readonly since: Date;
  /** Seconds since the user last typed (default 0). */
  readonly idleSeconds?: number;
  /** The remote host the session came from, if any. */
  readonly from?: string;
}

/**
 * One user as the server knows it (filled from the configuration). Every text field may hold
 * anything: the formatters strip control characters before sending.
 */
export interface FingerUser {
  /** The login name. */
  readonly login: string;
  /** The real name (the GECOS full name). */
  readonly name: string;
  /** The home directory. */
  readonly home: string;
  /** The login shell. */
  readonly shell: string;
  /** The contents of the user's `.plan`. */
  readonly plan?: string;
  /** The contents of the user's `.project`. */
  readonly project?: string;
  /** Office location and phone, as one string. */
  readonly office?: string;
  /** The current session, if the user is logged in. */
  readonly loggedIn?: FingerSession;
}

/**
 * Finds the users a query name means, as BSD finger does: an exact login wins; otherwise the
 * name matches, without regard to case, a login or any word of a real name (RFC 1288 section
 * 2.5.3 lets a server answer an ambiguous name with every match).
 *
 * @param users The users the server knows.
 * @param name The name from the query.
 * @returns The matching users in the order given; empty when none match.
 * @throws Never.
 * @example
 * findUsers([{ login: 'alice', name: 'Alice Liddell', home: '/home/alice', shell: '/bin/sh' }], 'liddell');
 * // [the alice record]
 */
export function findUsers(users: readonly FingerUser[], name: string): FingerUser[] {
  if (name === '') return [];
  const exact = users.filter((user) => user.login === name);
  if (exact.length > 0) return exact;
  const wanted = name.toLowerCase();
  return users.filter(
    (user) =>
      user.login.toLowerCase() === wanted ||
      user.name.toLowerCase() === wanted ||
      user.name
        .toLowerCase()
        .split(/[\s,]+/)
        .includes(wanted),
  );
}
