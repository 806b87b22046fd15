/**
 * `MailboxQuota`: a bound on the bytes each user's Maildir may hold, so that SMTP, which takes
 * mail from anyone for local users, cannot fill the disk.
 */
import type { MaildirStore } from './maildir-store.js';

/**
 * Checks deliveries against a per-mailbox byte limit. Usage is the sum of the stored messages'
 * sizes (new and cur), read from the Maildir when asked; messages still being written are not
 * counted, so two deliveries racing to the same mailbox may pass it by one message each (a soft
 * quota, as Maildir++'s is).
 *
 * @example
 * const quota = new MailboxQuota(store, 100 * 1024 * 1024);
 * if (!(await quota.fits('demo', 5000))) refuse('552 5.2.2 mailbox full');
 */
export class MailboxQuota {
  readonly #store: MaildirStore;
  /** The limit in bytes. */
  readonly bytes: number;

  /**
   * @param store Where the mailboxes are.
   * @param bytes The most a mailbox may hold, in bytes.
   * @throws {RangeError} When `bytes` is not a positive integer.
   */
  constructor(store: MaildirStore, bytes: number) {
    if (!Number.isSafeInteger(bytes) || bytes < 1) {
      throw new RangeError(`mailboxQuota must be a positive integer, got ${bytes}`);
    }
    this.#store = store;
    this.bytes = bytes;
  }

  /**
   * The bytes a user's mailbox holds now.
   *
   * @param user The user name.
   * @returns The sum of the stored messages' sizes.
   */
  async usage(user: string): Promise<number> {
    const box = await this.#store.maildir(user);
    let total = 0;
    for (const message of await box.list()) total += message.size;
    return total;
  }

  /**
   * Tells whether `extra` more bytes fit in the user's mailbox. With `extra` 0, whether the
   * mailbox still has room at all (it is refused once full, before any content is sent).
   *
   * @param user The user name.
   * @param extra The size of the message to add (0 when not yet known).
   * @returns `true` when usage plus `extra` stays within the limit (and, for 0, below it).
   */
  async fits(user: string, extra: number): Promise<boolean> {
    const used = await this.usage(user);
    return extra === 0 ? used < this.bytes : used + extra <= this.bytes;
  }
}
