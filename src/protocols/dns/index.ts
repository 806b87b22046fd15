/**
 * `polyport/dns`: polyport's DNS — the sans-I/O core (the RFC 1035 message codec, TCP framing,
 * zone files and zones, authoritative answers, a resolver cache, a dig-style formatter) and, on
 * polyport sockets, the server (`startDnsService`), the forwarder, the `Resolver` client and
 * `polyport dig`.
 */

export { formatIPv6, parseIPv4, parseIPv6 } from '../../socket/inet.js';
export { AddressList, DEFAULT_RECURSION_CLIENTS, hostOf } from './address-list.js';
export {
  AnswerCache,
  type AnswerCacheOptions,
  type AnswerCacheTransport,
  type CachedAnswer,
  type CachedAnswerFields,
} from './answer-cache.js';
export {
  type AnswerKind,
  type AnswerOptions,
  answerQuery,
  type QueryAnswer,
} from './answer-query.js';
export { digCommand } from './cli.js';
export {
  classFromString,
  classToString,
  EdnsOption,
  Opcode,
  opcodeToString,
  Rcode,
  RRClass,
  RRType,
  rcodeToString,
  typeFromString,
  typeToString,
} from './constants.js';
export { type DecodeOptions, decodeMessage, HEADER_LENGTH } from './decode-message.js';
export { type CacheResult, DnsCache, type DnsCacheOptions } from './dns-cache.js';
export {
  type ExchangeOptions,
  type ExchangeResult,
  exchange,
  matchesQuery,
  randomId,
  serverText,
} from './dns-exchange.js';
export {
  DnsQueryHandler,
  type DnsQueryHandlerOptions,
  type DnsTransport,
  type QuerySource,
} from './dns-query-handler.js';
export {
  DNS_LIMITS,
  DNS_RATE,
  type DnsService,
  type DnsServiceOptions,
  startDnsService,
} from './dns-server.js';
export { DnsTcpChannel, type DnsTcpChannelOptions } from './dns-tcp-channel.js';
export { type DnsQueries, DnsTcpHandler, type DnsTcpHandlerOptions } from './dns-tcp-handler.js';
export { DnsTcpSession, type DnsTcpSessionEvent } from './dns-tcp-session.js';
export { type EncodeOptions, encodeMessage } from './encode-message.js';
export { DnsFormatError, ZoneSyntaxError } from './errors.js';
export { formatMessage } from './format-message.js';
export {
  Forwarder,
  type ForwarderOptions,
  type ForwardResult,
  type ForwardSource,
} from './forwarder.js';
export {
  type CreateQueryOptions,
  createQuery,
  type DnsMessage,
  type DnsQuestion,
  type Edns,
  type EdnsOptionData,
  responseTo,
} from './message.js';
export {
  canonicalName,
  isSubdomain,
  labelCount,
  namesEqual,
  normalizeName,
  parentName,
} from './name.js';
export { type ParseZoneOptions, parseZone } from './parse-zone.js';
export { formatRdata, formatRecord, fqdn } from './presentation.js';
export type { DnsRecord, RData } from './rdata.js';
export {
  type MxAnswer,
  type QueryOptions,
  type QueryResult,
  Resolver,
  type ResolverOptions,
  type SrvAnswer,
} from './resolver.js';
export {
  DnsBadResponseError,
  DnsError,
  DnsNoDataError,
  DnsNxdomainError,
  DnsRefusedError,
  DnsResponseError,
  DnsServfailError,
  DnsTimeoutError,
  responseError,
} from './resolver-errors.js';
export { encodeReply, type RespondOptions, respond, udpResponseLimit } from './respond.js';
export { reverseName } from './reverse-name.js';
export { SAMPLE_ORIGIN, SAMPLE_ZONE, sampleZone } from './sample-zone.js';
export { scrubResponse } from './scrub-response.js';
export { type DnsTcpEvent, DnsTcpFramer, type DnsTcpFramerOptions, frame } from './tcp-framer.js';
export { type SoaData, Zone, type ZoneNode } from './zone.js';
export { ZoneSet } from './zone-set.js';
