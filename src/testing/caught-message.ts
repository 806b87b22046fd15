/**
 * The mail a fixture's SMTP server accepted, as a test reads it: what the capture recorded of
 * each message (its queue id, envelope, subject, size) and, on demand, the stored bytes.
 */
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

/**
 * The messages of the held SMTP `message` events, oldest first.
 * @param events the capture's `message` events of the SMTP service (any order).
 * @returns one {@link CaughtMessage} per event.
 * @example const mail = caughtMessages(host.capture.list({ service: 'smtp', kind: 'message' }));
 */
export function caughtMessages(events: readonly CapturedEvent[]): CaughtMessage[] {
  return [...events].sort((a, b) => a.id - b.id).map(caughtMessage);
}

function caughtMessage(event: CapturedEvent): CaughtMessage {
  const id = String(event.queueId);
  return {
    id,
    from: String(event.from),
    to: (event.to ?? []) as readonly string[],
    subject: typeof event.subject === 'string' ? event.subject : '',
    size: Number(event.size),
    time: event.time,
    raw: async () => {
      // Loaded on first use: `polyport/testing` loads no host code until a fixture needs it.
      const { readStoredMessage } = await import('../host/capture/stored-message.js');
      const bytes = await readStoredMessage(event);
      if (bytes === null)
        throw new Error(`message ${id}: no stored copy is left (deleted over POP3?)`);
      return bytes;
    },
  };
}
