/**
 * The bytes of a mail the SMTP service accepted, read back from where its `message` event says
 * it was stored, wherever a POP3 session has moved it since (new/ to cur/).
 */
import { basename, dirname } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { Maildir } from '../../protocols/mail/server/maildir/maildir.js';
import type { CapturedEvent } from './captured-event.js';

/** One copy of a message, as the SMTP `message` event lists them in `stored`. */
export interface StoredCopy {
  /** The user whose Maildir holds it. */
  readonly user: string;
  /** Its file when it was committed (`<maildir>/new/<unique name>`). */
  readonly path: string;
}

/**
 * The copies an SMTP `message` event lists (none for an event without `stored`).
 * @param event the event.
 * @returns its copies.
 * @example storedCopies(event)[0]?.path;
 */
export function storedCopies(event: CapturedEvent): StoredCopy[] {
  const stored = event.stored;
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (copy): copy is StoredCopy =>
      typeof copy === 'object' &&
      copy !== null &&
      typeof (copy as StoredCopy).user === 'string' &&
      typeof (copy as StoredCopy).path === 'string',
  );
}

/**
 * Reads a message's RFC 5322 bytes (the trace fields the server added first) from the first
 * copy still in its Maildir, in new/ or, once a POP3 session listed it, cur/.
 *
 * @param event an SMTP `message` event.
 * @returns the bytes, or null when no copy is left (a POP3 client deleted it, or someone
 *   removed the file).
 * @example const bytes = await readStoredMessage(event);
 */
export async function readStoredMessage(event: CapturedEvent): Promise<Buffer | null> {
  for (const copy of storedCopies(event)) {
    // The unique name stays the same when a POP3 session moves it on to cur/ with flags:
    // the Maildir finds it by that name in either folder.
    const box = new Maildir(dirname(dirname(copy.path)));
    try {
      return await buffer(await box.open(basename(copy.path)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && !(err instanceof RangeError)) throw err;
    }
  }
  return null;
}
