/**
 * `polyport/small`: the pure parts of the small services of RFC 862–868.
 *
 * - daytime (RFC 867): {@link formatDaytime} — one human-readable line;
 * - time (RFC 868): {@link encodeTime} — 4 bytes, seconds since 1900 modulo 2^32
 *   ({@link decodeTime} for clients);
 * - chargen (RFC 864): {@link ChargenGenerator} for the TCP stream, {@link chargenDatagram}
 *   for UDP;
 * - qotd (RFC 865): {@link BUILT_IN_QUOTES}, {@link parseQuotes}, {@link quoteOfTheDay},
 *   {@link randomQuote} and {@link formatQuote};
 * - echo (RFC 862) and discard (RFC 863) need no codec: echo sends back every byte (or
 *   datagram) it receives and discard reads and drops them; over TCP each is a session for the
 *   kit ({@link EchoSession}, {@link DiscardSession}), and {@link SmallTcpHandler} is any small
 *   service's connection.
 *
 * Nothing here reads a clock, a socket or a file: the server passes the time and the random
 * source, and reads the quotes file itself.
 *
 * @example
 * socket.end(formatDaytime(new Date()));
 * socket.end(encodeTime(new Date()));
 * socket.end(formatQuote(quoteOfTheDay(BUILT_IN_QUOTES, new Date())));
 *
 * @module
 */

export { BUILT_IN_QUOTES } from './codec/built-in-quotes.js';
export {
  CHARGEN_CYCLE_BYTES,
  CHARGEN_LINE_BYTES,
  CHARGEN_LINE_LENGTH,
  CHARGEN_LINES,
  CHARGEN_MAX_DATAGRAM,
  type ChargenDatagramOptions,
  ChargenGenerator,
  chargenDatagram,
  chargenLine,
} from './codec/chargen-generator.js';
export { formatDaytime } from './codec/daytime.js';
export { DiscardSession } from './codec/discard-session.js';
export { EchoSession } from './codec/echo-session.js';
export {
  formatQuote,
  parseQuotes,
  QOTD_MAX_LENGTH,
  type QotdFormatOptions,
  quoteOfTheDay,
  randomQuote,
} from './codec/qotd.js';
export { decodeTime, encodeTime, SECONDS_FROM_1900_TO_1970, timeSeconds } from './codec/time.js';
export * from './server/small-servers.js';
export { type SmallTcpBehaviour, SmallTcpHandler } from './server/small-tcp-handler.js';
