/**
 * The mail a fixture's SMTP server accepted, as a test reads it: what the capture recorded of
 * each message (its queue id, envelope, size) and, on demand, the bytes stored in the Maildir.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CapturedEvent } from '../host/index.js';

/** One message SMTP accepted, as `fixture().messages()` lists it. */
export interface CaughtMessage {
  /** The queue id, as in the server's `250 Ok: queued as …` reply and its `Received:` field. */
  readonly id: string;
  /** The envelope sender (`MAIL FROM`); `''` for the null sender `<>`. */
  readonly from: string;
  /** The envelope recipients (`RCPT TO`), in the order given. */
  readonly to: readonly string[];
  /** The `Subject:` field, decoded; `''` when the message has none. */
  readonly subject: string;
  /** The message's size in bytes as the client sent it (without the server's trace fields). */
  readonly size: number;
  /** When the server accepted it, in milliseconds since the epoch. */
  readonly time: number;
  /**
   * The message as stored: the server's `Return-Path:` and `Received:` fields, then the bytes
   * the client sent, CRLF line endings.
   */
  raw(): Promise<Buffer>;
}

/** Where a copy of the message went, as the SMTP `message` event says (when it does). */
interface StoredCopy {
  readonly user: string;
  readonly path: string;
}

/**
 * The messages of the held SMTP `message` events, oldest first.
 * @param events the capture's `message` events of the SMTP service (any order).
 * @param mailDir the mail store's folder (`<dataDir>/mail`), one Maildir per user.
 * @returns one {@link CaughtMessage} per event.
 * @example const mail = await caughtMessages(host.capture.list({ service: 'smtp', kind: 'message' }), dir);
 */
export async function caughtMessages(
  events: readonly CapturedEvent[],
  mailDir: string,
): Promise<CaughtMessage[]> {
  // By time, not by event id: an older SMTP event's queue id took the place of its number.
  const ordered = [...events].sort((a, b) => a.time - b.time);
  return Promise.all(ordered.map((event) => caughtMessage(event, mailDir)));
}

async function caughtMessage(event: CapturedEvent, mailDir: string): Promise<CaughtMessage> {
  // The queue id is `queueId`; an older event named it `id`, over the event's own number.
  const id = typeof event.queueId === 'string' ? event.queueId : String(event.id);
  const stored = Array.isArray(event.stored) ? (event.stored as StoredCopy[]) : [];
  let bytes: Promise<Buffer> | null = null;
  const raw = (): Promise<Buffer> => {
    bytes ??= readStored(id, stored, mailDir);
    return bytes.then((b) => Buffer.from(b));
  };
  const subject = typeof event.subject === 'string' ? event.subject : await subjectOf(await raw());
  return {
    id,
    from: typeof event.from === 'string' ? event.from : '',
    to: Array.isArray(event.to) ? event.to.map(String) : [],
    subject,
    size: typeof event.size === 'number' ? event.size : 0,
    time: event.time,
    raw,
  };
}

/** The decoded `Subject:` of a stored message (encoded words and folding undone). */
async function subjectOf(message: Buffer): Promise<string> {
  // Loaded with the first message that needs it: a fixture without mail never pays for it.
  const { default: PostalMime } = await import('postal-mime');
  const email = await PostalMime.parse(message);
  return email.subject ?? '';
}

/**
 * Reads a stored copy: the path the event names (or the same file moved on to `cur/`, as a POP3
 * session moves what it has seen); without one, the Maildir file whose `Received:` field names
 * the queue id.
 */
async function readStored(
  id: string,
  stored: readonly StoredCopy[],
  mailDir: string,
): Promise<Buffer> {
  for (const { path } of stored) {
    const found = (await readIfThere(path)) ?? (await readMovedToCur(path));
    if (found !== null) return found;
  }
  for (const user of await entries(mailDir)) {
    for (const sub of ['new', 'cur']) {
      const folder = join(mailDir, user, sub);
      for (const name of await entries(folder)) {
        const message = await readIfThere(join(folder, name));
        if (message !== null && receivedId(message) === id) return message;
      }
    }
  }
  throw new Error(`message ${id}: its stored file is gone (deleted over POP3?)`);
}

/** The `id` of the message's first `Received:` field: the one this server added. */
function receivedId(message: Buffer): string | null {
  const head = message.subarray(0, 4096).toString('latin1');
  const field = /^Received:[^\n]*(?:\n[ \t][^\n]*)*/im.exec(head)?.[0] ?? '';
  return /\sid\s+([^\s;]+)/.exec(field)?.[1] ?? null;
}

async function readMovedToCur(path: string): Promise<Buffer | null> {
  const root = dirname(dirname(path));
  const name = basename(path);
  const moved = (await entries(join(root, 'cur'))).find((n) => n.split(':')[0] === name);
  return moved === undefined ? null : readIfThere(join(root, 'cur', moved));
}

async function readIfThere(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
