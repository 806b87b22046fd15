/**
 * Query bytes in, response bytes out: the one call a UDP or TCP server loop needs.
 */
import { type AnswerOptions, answerQuery } from './answer-query.js';
import { encodeMessage } from './encode-message.js';
import type { DnsMessage } from './message.js';
import type { ZoneSet } from './zone-set.js';

/** Options for {@link respond}. */
export interface RespondOptions extends AnswerOptions {
  /** How the query came: UDP answers are cut to the size the client can take. */
  readonly transport: 'udp' | 'tcp';
  /** Our own ceiling for UDP responses (default 4096). */
  readonly maxUdpSize?: number;
}

/**
 * The largest UDP response a client can take: 512 without EDNS (RFC 1035 §4.2.1), else its
 * advertised payload size clamped to 512..`ceiling` (RFC 6891 §6.2.5).
 *
 * @param query the decoded query, or `null` when it could not be decoded.
 * @param ceiling our own limit (default 4096).
 * @returns the size limit in bytes.
 * @example
 * udpResponseLimit(query); // 1232 for a dig query
 */
export function udpResponseLimit(query: DnsMessage | null, ceiling = 4096): number {
  const size = query?.edns?.udpPayloadSize;
  if (size === undefined) return 512;
  return Math.max(512, Math.min(size, ceiling));
}

/**
 * Answers a query's bytes with response bytes, truncated (TC=1) to fit UDP when needed.
 *
 * @param zones the zones served.
 * @param bytes the query as received (for TCP, without the length prefix).
 * @param options the transport and answer options.
 * @returns the response bytes, or `null` when nothing should be sent.
 * @example
 * const out = respond(zones, datagram, { transport: 'udp' });
 * if (out !== null) socket.sendto(out, peer);
 */
export function respond(zones: ZoneSet, bytes: Uint8Array, options: RespondOptions): Buffer | null {
  const result = answerQuery(zones, bytes, options);
  if (result === null) return null;
  const maxSize =
    options.transport === 'tcp' ? 65535 : udpResponseLimit(result.query, options.maxUdpSize);
  return encodeReply(result.response, maxSize, bytes.length);
}

/**
 * Encodes a response so that one carrying no records — an error, a refusal — is never larger
 * than the query it answers: a question echoed from a query that compressed it (a name that
 * points into the header, say) or a list of questions would otherwise make the server an
 * amplifier. Such a reply loses its question first, then its OPT record (kept when the rcode
 * needs it: the query then had one of the same size). Replies with records are left alone.
 *
 * @param response the response.
 * @param maxSize the transport's size limit (see {@link udpResponseLimit}).
 * @param queryLength the query's length in bytes; without it nothing is trimmed.
 * @returns the encoded response.
 * @throws {RangeError} when the response cannot be encoded (an rcode over 15 without EDNS).
 * @example
 * const out = encodeReply(responseTo(query, Rcode.REFUSED), 512, datagram.length);
 */
export function encodeReply(response: DnsMessage, maxSize: number, queryLength?: number): Buffer {
  const out = encodeMessage(response, { maxSize });
  if (queryLength === undefined || out.length <= queryLength) return out;
  if (response.answers.length + response.authorities.length + response.additionals.length > 0) {
    return out;
  }
  const bare = encodeMessage({ ...response, questions: [] }, { maxSize });
  if (bare.length <= queryLength || response.rcode > 15) return bare;
  return encodeMessage({ ...response, questions: [], edns: null }, { maxSize });
}
