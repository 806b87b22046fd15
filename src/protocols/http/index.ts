/**
 * `polyport/http`: HTTP/1.1 (RFC 9110, RFC 9112). `codec/` is the sans-I/O core — parsers turn
 * bytes into events, encoders turn heads and chunks into bytes, pure helpers judge ranges and
 * conditions; `server/` is the service built on it (connections, responses, static files,
 * uploads); `client/` is the client and its connection pool; `cli.ts` the command-line tool.
 *
 * @example
 * import { RequestParser, encodeResponseHead } from 'polyport/http';
 * const parser = new RequestParser();
 * parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * const request = parser.nextEvent(); // { type: 'request', ... }
 * encodeResponseHead({ status: 200, headers: [['Content-Length', '0']] });
 */

export { httpCommand } from './cli.js';
export { ClientConnection } from './client/client-connection.js';
export {
  ClientResponse,
  type ConnectionRelease,
  HttpClientError,
} from './client/client-response.js';
export { FileBody } from './client/file-body.js';
export {
  type ConnectTarget,
  globalAgent,
  HttpAgent,
  type HttpAgentOptions,
} from './client/http-agent.js';
export { type ClientBody, type HttpRequestOptions, request } from './client/http-client.js';
export type { BodyKind, HttpVersion } from './codec/body-framing.js';
export { evaluateIfRange, parseRange, type RangeResult } from './codec/byte-range.js';
export { encodeChunk, encodeLastChunk } from './codec/chunked-encoder.js';
export {
  type ConditionalResult,
  evaluateConditionals,
  type Validators,
  weakEtag,
} from './codec/conditional.js';
export {
  encodeRequestHead,
  encodeResponseHead,
  fieldLines,
  type HeaderInput,
  type RequestHead,
  type ResponseHead,
  statusLine,
} from './codec/encode-head.js';
export { isFieldValue, isToken } from './codec/field-syntax.js';
export { formatHttpDate, parseHttpDate, tryParseHttpDate } from './codec/http-date.js';
export { type HeaderLookup, HttpHeaders } from './codec/http-headers.js';
export type { DataEvent, EndEvent, MessageLimits } from './codec/message-events.js';
export { PreparedFields } from './codec/prepared-fields.js';
export {
  type RequestErrorEvent,
  type RequestEvent,
  RequestParser,
  type RequestParserEvent,
  type RequestParserOptions,
  type TargetForm,
} from './codec/request-parser.js';
export {
  decideResponseFraming,
  isFramingField,
  type ResponseFraming,
  type ResponseFramingInput,
} from './codec/response-framing.js';
export {
  type InformationalEvent,
  type ResponseErrorEvent,
  type ResponseEvent,
  ResponseParser,
  type ResponseParserEvent,
  type ResponseParserOptions,
} from './codec/response-parser.js';
export { reasonPhrase, STATUS_REASONS } from './codec/status-reasons.js';
export { type AccessLogEntry, formatAccessLogLine } from './server/access-log.js';
export {
  type BasicAuthOptions,
  basicAuth,
  type PasswordVerifier,
} from './server/basic-auth.js';
export { CommonHeaders } from './server/common-headers.js';
export {
  type DirectoryEntry,
  escapeHtml,
  renderDirectoryListing,
} from './server/directory-listing.js';
export { FramingProducer } from './server/framing-producer.js';
export { HEAD_CACHE_ENTRIES, HEAD_CACHE_MAX_BYTES, HeadCache } from './server/head-cache.js';
export type { HttpChannelConfig } from './server/http-channel-config.js';
export {
  type HttpHandler,
  type RouteFunction,
  redirectHandler,
  routeHandler,
  virtualHost,
} from './server/http-handler.js';
export { HttpRequest, type RequestOrigin } from './server/http-request.js';
export { HttpResponse, type ResponseSink } from './server/http-response.js';
export { HttpServerChannel } from './server/http-server-channel.js';
export {
  type HttpService,
  type HttpServiceOptions,
  startHttpService,
} from './server/http-service.js';
export {
  FileChangedError,
  LazyFileProducer,
  type LazyFileTarget,
} from './server/lazy-file-producer.js';
export {
  BODY_HIGH_WATER,
  type BodyReaderHooks,
  RequestBody,
  RequestBodyError,
} from './server/request-body.js';
export { requestLogRecord, type UnparsedOrigin } from './server/request-log-record.js';
export { type SafePath, targetToSafePath, type UnsafePath } from './server/safe-path.js';
export { type CachedFile, SmallFileCache } from './server/small-file-cache.js';
export { type StaticFilesOptions, staticFiles } from './server/static-files.js';
export { typeForFile } from './server/type-for-file.js';
export { type UploadFilesOptions, uploadFiles } from './server/upload-files.js';
