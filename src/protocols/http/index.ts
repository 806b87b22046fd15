/**
 * `polyport/http`: the sans-I/O core of HTTP/1.1 (RFC 9110, RFC 9112). Parsers turn bytes into
 * events, serializers turn heads into bytes, and pure helpers serve static files. The server and
 * client built on top feed sockets into these; nothing here does I/O.
 *
 * @example
 * import { RequestParser, encodeResponseHead } from 'polyport/http';
 * const parser = new RequestParser();
 * parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * const request = parser.nextEvent(); // { type: 'request', ... }
 * encodeResponseHead({ status: 200, headers: [['Content-Length', '0']] });
 */
export { type AccessLogEntry, formatAccessLogLine } from './access-log.js';
export {
  type BasicAuthOptions,
  basicAuth,
  type PasswordVerifier,
} from './basic-auth.js';
export type { BodyKind, HttpVersion } from './body-framing.js';
export { evaluateIfRange, parseRange, type RangeResult } from './byte-range.js';
export { encodeChunk, encodeLastChunk } from './chunked-encoder.js';
export { httpCommand } from './cli.js';
export { ClientConnection } from './client-connection.js';
export { ClientResponse, type ConnectionRelease, HttpClientError } from './client-response.js';
export { CommonHeaders } from './common-headers.js';
export {
  type ConditionalResult,
  evaluateConditionals,
  type Validators,
  weakEtag,
} from './conditional.js';
export {
  type DirectoryEntry,
  escapeHtml,
  renderDirectoryListing,
} from './directory-listing.js';
export {
  encodeRequestHead,
  encodeResponseHead,
  fieldLines,
  type HeaderInput,
  type RequestHead,
  type ResponseHead,
  statusLine,
} from './encode-head.js';
export { isFieldValue, isToken } from './field-syntax.js';
export { FramingProducer } from './framing-producer.js';
export { HEAD_CACHE_ENTRIES, HEAD_CACHE_MAX_BYTES, HeadCache } from './head-cache.js';
export {
  type ConnectTarget,
  globalAgent,
  HttpAgent,
  type HttpAgentOptions,
} from './http-agent.js';
export { type ClientBody, type HttpRequestOptions, request } from './http-client.js';
export { formatHttpDate, parseHttpDate, tryParseHttpDate } from './http-date.js';
export {
  type HttpHandler,
  type RouteFunction,
  redirectHandler,
  routeHandler,
  virtualHost,
} from './http-handler.js';
export { type HeaderLookup, HttpHeaders } from './http-headers.js';
export { HttpRequest, type RequestOrigin } from './http-request.js';
export { HttpResponse, type ResponseSink } from './http-response.js';
export { type HttpChannelConfig, HttpServerChannel } from './http-server-channel.js';
export { type HttpService, type HttpServiceOptions, startHttpService } from './http-service.js';
export {
  FileChangedError,
  LazyFileProducer,
  type LazyFileTarget,
} from './lazy-file-producer.js';
export type { DataEvent, EndEvent, MessageLimits } from './message-events.js';
export { PreparedFields } from './prepared-fields.js';
export {
  BODY_HIGH_WATER,
  type BodyReaderHooks,
  RequestBody,
  RequestBodyError,
} from './request-body.js';
export { requestLogRecord, type UnparsedOrigin } from './request-log-record.js';
export {
  type RequestErrorEvent,
  type RequestEvent,
  RequestParser,
  type RequestParserEvent,
  type RequestParserOptions,
  type TargetForm,
} from './request-parser.js';
export {
  decideResponseFraming,
  isFramingField,
  type ResponseFraming,
  type ResponseFramingInput,
} from './response-framing.js';
export {
  type InformationalEvent,
  type ResponseErrorEvent,
  type ResponseEvent,
  ResponseParser,
  type ResponseParserEvent,
  type ResponseParserOptions,
} from './response-parser.js';
export { type SafePath, targetToSafePath, type UnsafePath } from './safe-path.js';
export { type CachedFile, SmallFileCache } from './small-file-cache.js';
export { type StaticFilesOptions, staticFiles, typeForFile } from './static-files.js';
export { reasonPhrase, STATUS_REASONS } from './status-reasons.js';
export { type UploadFilesOptions, uploadFiles } from './upload-files.js';
