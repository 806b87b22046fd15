/**
 * A captured mail as the admin API shows it: the summary the list gives, and the whole message
 * parsed (headers, text and HTML bodies, attachments) by postal-mime.
 */
import PostalMime from 'postal-mime';
import type { CapturedEvent } from '../capture/captured-event.js';

/** One mail in `GET /api/v1/messages`. */
export interface MessageSummary {
  /** The capture event's id: the `{id}` of the message's own paths. */
  readonly id: number;
  /** When it was accepted, in milliseconds since the epoch (as every event's `time`). */
  readonly time: number;
  /** The envelope sender (MAIL FROM), `''` for the null sender. */
  readonly from: string;
  /** The envelope recipients (RCPT TO), Bcc included. */
  readonly to: readonly string[];
  /** The decoded Subject header, `''` without one. */
  readonly subject: string;
  /** The message's size in bytes, as the client sent it (without the trace fields). */
  readonly size: number;
  /** The client. */
  readonly peer: string;
}

/** One attachment of a {@link MessageDetail}. */
export interface AttachmentSummary {
  readonly filename: string | null;
  readonly mimeType: string;
  /** Decoded bytes. */
  readonly size: number;
}

/** `GET /api/v1/messages/{id}`: the summary's envelope and the parsed message. */
export interface MessageDetail {
  readonly id: number;
  /** When it was accepted, in milliseconds since the epoch (as every event's `time`). */
  readonly time: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  /** The Date header as ISO-8601 (postal-mime's reading), or null. */
  readonly date: string | null;
  /** Every header field in order, the trace fields the server added first. */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments: readonly AttachmentSummary[];
}

/**
 * The list's view of an SMTP `message` event.
 * @param event the event.
 * @returns the summary.
 * @example messageSummary(event).subject;
 */
export function messageSummary(event: CapturedEvent): MessageSummary {
  return {
    id: event.id,
    time: event.time,
    from: typeof event.from === 'string' ? event.from : '',
    to: Array.isArray(event.to) ? event.to.map(String) : [],
    subject: typeof event.subject === 'string' ? event.subject : '',
    size: typeof event.size === 'number' ? event.size : 0,
    peer: event.peer,
  };
}

/**
 * Parses a stored message for `GET /api/v1/messages/{id}`.
 * @param event its SMTP `message` event (the envelope).
 * @param bytes the stored bytes.
 * @returns the detail.
 * @example messageDetail(event, await readStoredMessage(event));
 */
export async function messageDetail(
  event: CapturedEvent,
  bytes: Uint8Array,
): Promise<MessageDetail> {
  const email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  const { id, time, from, to, subject } = messageSummary(event);
  return {
    id,
    time,
    from,
    to,
    subject: email.subject ?? subject,
    date: email.date ?? null,
    headers: email.headers.map((h) => ({ name: h.originalKey, value: h.value })),
    text: email.text ?? null,
    html: email.html ?? null,
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      size: typeof a.content === 'string' ? Buffer.byteLength(a.content) : a.content.byteLength,
    })),
  };
}
