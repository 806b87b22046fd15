/** The mailbox snapshot of one POP3 session, with deletion marks (RFC 1939 §5). */
import { createHash } from 'node:crypto';
import type { Pop3Message } from './pop3-server-types.js';

const UID = /^[\x21-\x7e]{1,70}$/;

/** A message number looked up: the message, or the `-ERR` text to answer. */
export type Pop3Lookup =
  | { readonly ok: true; readonly index: number; readonly message: Pop3Message }
  | { readonly ok: false; readonly error: string };

/**
 * The messages a session sees, numbered from 1 and fixed for the session; deleted ones stay
 * numbered but hidden until the deletions are committed at QUIT or forgotten at RSET.
 *
 * @example
 * const drop = new Pop3Maildrop([{ id: 'a', size: 10, uid: 'a' }]);
 * drop.mark(0);
 * drop.stat(); // { count: 0, size: 0 }
 */
export class Pop3Maildrop {
  readonly #messages: readonly Pop3Message[];
  readonly #deleted = new Set<number>();

  /**
   * @param messages The snapshot, in the order the client numbers them.
   * @throws {RangeError} If a uid is not 1–70 characters 0x21–0x7E or a size is not a
   *   non-negative integer.
   */
  constructor(messages: readonly Pop3Message[]) {
    for (const m of messages) {
      if (!UID.test(m.uid)) throw new RangeError(`bad POP3 uid ${JSON.stringify(m.uid)}`);
      if (!Number.isSafeInteger(m.size) || m.size < 0) throw new RangeError(`bad size ${m.size}`);
    }
    this.#messages = [...messages];
  }

  /** Count and total size of the messages not marked deleted, for STAT. */
  stat(): { count: number; size: number } {
    let count = 0;
    let size = 0;
    this.#messages.forEach((m, i) => {
      if (!this.#deleted.has(i)) [count, size] = [count + 1, size + m.size];
    });
    return { count, size };
  }

  /**
   * Resolves a message-number argument with Dovecot's error texts.
   * @param text The argument as the client sent it.
   * @returns The message and its index, or the error text.
   */
  lookup(text: string): Pop3Lookup {
    if (!/^\d{1,10}$/.test(text)) {
      return { ok: false, error: `Invalid message number: ${text.slice(0, 40)}` };
    }
    const n = Number(text);
    const message = this.#messages[n - 1];
    if (n < 1 || message === undefined) return { ok: false, error: `There's no message ${n}.` };
    if (this.#deleted.has(n - 1)) return { ok: false, error: 'Message is deleted.' };
    return { ok: true, index: n - 1, message };
  }

  /** The visible messages with their numbers, for LIST and UIDL without argument. */
  visible(): Array<{ number: number; message: Pop3Message }> {
    const out: Array<{ number: number; message: Pop3Message }> = [];
    this.#messages.forEach((message, i) => {
      if (!this.#deleted.has(i)) out.push({ number: i + 1, message });
    });
    return out;
  }

  /** Marks a message (by index) deleted. */
  mark(index: number): void {
    this.#deleted.add(index);
  }

  /** Forgets every deletion mark (RSET). */
  unmarkAll(): void {
    this.#deleted.clear();
  }

  /** Ids of the marked messages, in message order, for the UPDATE state. */
  markedIds(): string[] {
    return [...this.#deleted].sort((a, b) => a - b).map((i) => this.#messages[i]!.id);
  }
}

/**
 * Makes a UIDL unique id from a storage id: the id itself when POP3 can carry it (1–70
 * characters 0x21–0x7E), else a digest of it, so long Maildir names from long host names work.
 *
 * @param id A storage id such as a Maildir base name.
 * @returns A valid, stable POP3 unique id.
 * @example
 * pop3Uid('1700000000.M1P2Q3.mx,S=120'); // '1700000000.M1P2Q3.mx,S=120'
 * pop3Uid('x'.repeat(100)).length; // 40
 */
export function pop3Uid(id: string): string {
  if (UID.test(id)) return id;
  return createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 40);
}
