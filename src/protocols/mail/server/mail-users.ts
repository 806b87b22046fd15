/**
 * The accounts the mail servers serve: who may log in (POP3, SMTP AUTH) and which addresses
 * deliver to whose Maildir.
 */
import { unmatchablePasswordHash, verifyPassword } from '../../common/password.js';

/** One mail account, as `[[users]]` in the host config has it. */
export interface MailUser {
  /** Login name, and the name of the user's Maildir in the store. */
  readonly name: string;
  /** scrypt hash string (`scrypt$N=…$salt$hash`), checked with `verifyPassword()`. */
  readonly password: string;
  /** Addresses delivered to this user's Maildir, e.g. `demo@example.test`. */
  readonly mail: readonly string[];
}

/** Checks a password against a stored hash; injectable so tests need not pay for scrypt. */
export type PasswordCheck = (password: string, stored: string) => Promise<boolean>;

/**
 * Finds the user a login name stands for (a user name, or one of the user's addresses) and
 * checks the password. A malformed stored hash counts as a wrong password, never as a crash.
 *
 * @param users The accounts.
 * @param login The name the client gave (case-insensitive).
 * @param password The password the client gave.
 * @param check The password check (default: scrypt `verifyPassword`).
 * @returns The user, or `null` when the name is unknown or the password wrong.
 * @example
 * const user = await authenticateMailUser(users, 'demo', 'demo');
 * if (user === null) session.loginFailed();
 */
export async function authenticateMailUser(
  users: readonly MailUser[],
  login: string,
  password: string,
  check: PasswordCheck = verifyPassword,
): Promise<MailUser | null> {
  const user = findMailUser(users, login);
  // An unknown name costs one check at a configured user's parameters, so timing does not
  // tell which names exist.
  const stored = user?.password ?? unmatchablePasswordHash(users[0]?.password);
  const ok = await check(password, stored).catch(() => false);
  return ok && user !== null ? user : null;
}

/**
 * The user a login name stands for: a user name, or an address in a user's `mail`.
 *
 * @param users The accounts.
 * @param login A user name or address, compared case-insensitively.
 * @returns The user, or `null`.
 * @example
 * findMailUser(users, 'Demo@Example.Test')?.name; // 'demo'
 */
export function findMailUser(users: readonly MailUser[], login: string): MailUser | null {
  const key = login.toLowerCase();
  return (
    users.find((u) => u.name.toLowerCase() === key) ??
    users.find((u) => u.mail.some((m) => m.toLowerCase() === key)) ??
    null
  );
}
