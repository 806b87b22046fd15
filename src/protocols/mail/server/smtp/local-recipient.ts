/** Which local mailbox an SMTP recipient reaches; this server delivers locally and never relays. */

import { canonicalMailbox, type MailPath } from '../../codec/smtp/mail-path.js';
import type { SmtpReply } from '../../codec/smtp/smtp-reply.js';
import type { MailUser } from '../mail-users.js';

/** Where mail goes, as {@link resolveLocalRecipient} needs it. */
export interface LocalDelivery {
  /** Domains whose mail is delivered here, compared case-insensitively. */
  readonly domains: readonly string[];
  readonly users: readonly MailUser[];
  /** A user name that receives mail for unknown local parts of those domains. */
  readonly catchAll?: string | undefined;
  /**
   * The mail catcher: every recipient, in any domain, goes to the catch-all user (the first
   * user when there is none), so one mailbox holds everything sent.
   */
  readonly acceptAll?: boolean | undefined;
}

/** The user to deliver to, or the reply that refuses the recipient. */
export type RecipientDecision =
  | { readonly ok: true; readonly user: MailUser }
  | { readonly ok: false; readonly reply: SmtpReply };

/**
 * Decides a `RCPT TO`: an address listed in a user's `mail` goes to that user (local parts
 * compared without case, a needlessly quoted one as if unquoted: `"Demo"@x` is `demo@x`,
 * RFC 5321 §4.1.2); another address in a local domain goes to the catch-all user if there is
 * one, else `550 5.1.1`; an address in any other domain is `554 5.7.1 Relay access denied`, whatever the client. `<postmaster>`
 * and `postmaster@` any local domain, in any case (which RFC 5321 §4.5.1 says must be
 * accepted), go to the user owning that address if there is one, else to the catch-all user,
 * else to the owner of `postmaster@` the first local domain, else to the first user. With
 * `acceptAll`, every address (any domain, known or not) goes to the catch-all user, else to the
 * first user.
 *
 * @param to The recipient path.
 * @param where Local domains, users and the catch-all.
 * @returns The user, or the refusal.
 * @example
 * resolveLocalRecipient({ address: 'x@elsewhere.example', localPart: 'x', domain: 'elsewhere.example' }, where);
 * // { ok: false, reply: { code: 554, enhanced: '5.7.1', text: '<x@elsewhere.example>: Relay access denied' } }
 */
export function resolveLocalRecipient(to: MailPath, where: LocalDelivery): RecipientDecision {
  const catchAll =
    where.catchAll === undefined || where.catchAll === ''
      ? undefined
      : where.users.find((u) => u.name === where.catchAll);
  // Local parts compare without case, as Postfix and Dovecot do, and with needless quotes
  // removed (RFC 5321 §4.1.2), on both sides.
  const key = (address: string): string => canonicalMailbox(address).toLowerCase();
  const byAddress = (address: string): MailUser | undefined => {
    const wanted = key(address);
    return where.users.find((u) => u.mail.some((m) => key(m) === wanted));
  };
  const postmaster = (): MailUser | undefined => {
    const first = where.domains[0];
    return (
      catchAll ??
      (first === undefined ? undefined : byAddress(`postmaster@${first}`)) ??
      where.users[0]
    );
  };
  if (where.acceptAll === true) {
    const user = catchAll ?? where.users[0];
    if (user !== undefined) return { ok: true, user };
  }
  const shown = `<${to.address}>`;
  if (to.domain === '') {
    const user = postmaster();
    if (user !== undefined) return { ok: true, user };
    return { ok: false, reply: unknown(shown) };
  }
  const domain = to.domain.toLowerCase();
  if (!where.domains.some((d) => d.toLowerCase() === domain)) {
    return {
      ok: false,
      reply: { code: 554, enhanced: '5.7.1', text: `${shown}: Relay access denied` },
    };
  }
  const isPostmaster = key(to.address).startsWith('postmaster@');
  const user = byAddress(to.address) ?? (isPostmaster ? postmaster() : catchAll);
  if (user !== undefined) return { ok: true, user };
  return { ok: false, reply: unknown(shown) };
}

function unknown(shown: string): SmtpReply {
  return {
    code: 550,
    enhanced: '5.1.1',
    text: `${shown}: Recipient address rejected: User unknown in local recipient table`,
  };
}
