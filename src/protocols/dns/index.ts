/**
 * `polyport/dns`: polyport's DNS — the sans-I/O core (the RFC 1035 message codec, TCP framing,
 * zone files and zones, authoritative answers, a resolver cache, a dig-style formatter) and, on
 * polyport sockets, the server (`startDnsService`), the forwarder, the `Resolver` client and
 * `polyport dig`.
 */

export { formatIPv6, parseIPv4, parseIPv6 } from '../../socket/inet.js';
export { digCommand } from './cli.js';
export { type CacheResult, DnsCache, type DnsCacheOptions } from './client/dns-cache.js';
export {
  type ExchangeOptions,
  type ExchangeResult,
  exchange,
  matchesQuery,
  serverText,
} from './client/dns-exchange.js';
export { randomId } from './client/random-id.js';
export {
  type MxAnswer,
  type QueryOptions,
  type QueryResult,
  Resolver,
  type ResolverOptions,
  type SrvAnswer,
} from './client/resolver.js';
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
} from './client/resolver-errors.js';
export { AddressList, DEFAULT_RECURSION_CLIENTS, hostOf } from './codec/address-list.js';
export {
  type AnswerKind,
  type AnswerOptions,
  answerQuery,
  type QueryAnswer,
} from './codec/answer-query.js';
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
} from './codec/constants.js';
export { type DecodeOptions, decodeMessage, HEADER_LENGTH } from './codec/decode-message.js';
export { DnsTcpSession, type DnsTcpSessionEvent } from './codec/dns-tcp-session.js';
export { type EncodeOptions, encodeMessage } from './codec/encode-message.js';
export { DnsFormatError, ZoneSyntaxError } from './codec/errors.js';
export { formatMessage } from './codec/format-message.js';
export {
  type CreateQueryOptions,
  createQuery,
  type DnsMessage,
  type DnsQuestion,
  type Edns,
  type EdnsOptionData,
  responseTo,
} from './codec/message.js';
export {
  canonicalName,
  isSubdomain,
  labelCount,
  namesEqual,
  normalizeName,
  parentName,
} from './codec/name.js';
export { type ParseZoneOptions, parseZone } from './codec/parse-zone.js';
export { formatRdata, formatRecord, fqdn } from './codec/presentation.js';
export type { DnsRecord, RData } from './codec/rdata.js';
export { encodeReply, type RespondOptions, respond, udpResponseLimit } from './codec/respond.js';
export { reverseName } from './codec/reverse-name.js';
export { SAMPLE_ORIGIN, SAMPLE_ZONE, sampleZone } from './codec/sample-zone.js';
export { scrubResponse } from './codec/scrub-response.js';
export {
  type DnsTcpEvent,
  DnsTcpFramer,
  type DnsTcpFramerOptions,
  frame,
} from './codec/tcp-framer.js';
export { type SoaData, Zone, type ZoneNode } from './codec/zone.js';
export { ZoneSet } from './codec/zone-set.js';
export {
  AnswerCache,
  type AnswerCacheOptions,
  type AnswerCacheTransport,
  type CachedAnswer,
  type CachedAnswerFields,
} from './server/answer-cache.js';
export {
  DnsQueryHandler,
  type DnsQueryHandlerOptions,
  type DnsTransport,
  type QuerySource,
} from './server/dns-query-handler.js';
export {
  DNS_LIMITS,
  DNS_RATE,
  type DnsService,
  type DnsServiceOptions,
  startDnsService,
} from './server/dns-server.js';
export { DnsTcpChannel, type DnsTcpChannelOptions } from './server/dns-tcp-channel.js';
export {
  type DnsQueries,
  DnsTcpHandler,
  type DnsTcpHandlerOptions,
} from './server/dns-tcp-handler.js';
export {
  Forwarder,
  type ForwarderOptions,
  type ForwardResult,
  type ForwardSource,
} from './server/forwarder.js';
