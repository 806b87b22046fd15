/**
 * The events and options the two HTTP/1.1 parsers share.
 */
import type { BodyKind } from './body-framing.js';
import type { HttpHeaders } from './http-headers.js';

/** A slice of body bytes; a view of the received buffers, valid as long as they are. */
export interface DataEvent {
  readonly type: 'data';
  readonly data: Buffer;
}

/** The end of one message, with the trailer fields of a chunked body (otherwise empty). */
export interface EndEvent {
  readonly type: 'end';
  readonly trailers: HttpHeaders;
}

/** Limits shared by both parsers; every one is an option with a default. */
export interface MessageLimits {
  /** Longest request or status line, in bytes without CRLF (default 8192). */
  readonly maxStartLineLength?: number;
  /** Most bytes in the header section, CRLFs included; also bounds trailers (default 16384). */
  readonly maxHeaderBytes?: number;
  /** Most field lines in the header section or the trailers (default 100). */
  readonly maxHeaderCount?: number;
  /** Largest body, decoded, in bytes (default 1 GiB). */
  readonly maxBodySize?: number;
  /** Longest chunk extension on one chunk-size line, in bytes (default 1024). */
  readonly maxChunkExtensionLength?: number;
}

/** What a parser decides once a head is complete. */
export interface HeadOutcome<H> {
  readonly event: H;
  /** An interim (1xx) head: another head follows for the same message. */
  readonly interim: boolean;
  readonly kind: BodyKind;
  readonly length: number | null;
  readonly keepAlive: boolean;
  /** Stop parsing after this message (CONNECT tunnel, 101 upgrade). */
  readonly stopAfter: boolean;
}
