/**
 * `polyport/finger`: the sans-I/O core of the Finger User Information Protocol (RFC 1288).
 *
 * A server reads one query with {@link FingerQueryReader} (or {@link parseQuery} on a line it
 * already has), answers it with {@link answerQuery} from its {@link FingerUser} records, sends
 * the bytes and closes. Every reply line ends in CRLF, every piece of user text is stripped of
 * control characters (RFC 1288 section 3.3) and the reply size is bounded.
 *
 * @example
 * const reader = new FingerQueryReader();
 * reader.receiveData(bytes);
 * const query = reader.nextEvent();
 * if (query !== null) socket.end(answerQuery(query, users, { now: new Date() }));
 *
 * @module
 */

export { fingerCommand } from './cli.js';
export { type FingerClientOptions, finger } from './client/finger-client.js';
export {
  answerQuery,
  type FingerAnswerOptions,
  FORWARDING_DENIED,
  formatForwardingDenied,
  formatNoSuchUser,
  formatRefusal,
} from './codec/answer-query.js';
export { FingerQueryReader } from './codec/finger-query-reader.js';
export { type FingerSession, type FingerUser, findUsers } from './codec/finger-user.js';
export {
  type FingerReplyOptions,
  formatUserList,
  NO_ONE_LOGGED_ON,
} from './codec/format-user-list.js';
export { formatUserRecords, NO_PLAN } from './codec/format-user-record.js';
export {
  DEFAULT_MAX_QUERY_LENGTH,
  type FingerParseResult,
  type FingerQuery,
  type FingerQueryOptions,
  type FingerRefusal,
  type FingerRefusalReason,
  parseQuery,
} from './codec/parse-query.js';
export { DEFAULT_MAX_REPLY_BYTES, type FingerTextOptions } from './codec/reply-text.js';
export { stripControlCharacters } from './codec/sanitize-text.js';
export { splitHostPort } from './codec/split-host-port.js';
export {
  type FingerService,
  type FingerServiceOptions,
  startFingerService,
} from './server/finger-server.js';
