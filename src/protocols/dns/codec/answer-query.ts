/**
 * The authoritative answer to one query, as a pure function of the zones and the query
 * (RFC 1034 §4.3.2, RFC 2308, RFC 4592, RFC 6604, RFC 6891, RFC 8482).
 */

import { addAdditionals } from './additional-records.js';
import { Opcode, Rcode, RRClass, RRType } from './constants.js';
import { decodeMessage, HEADER_LENGTH } from './decode-message.js';
import { DnsFormatError } from './errors.js';
import { type DnsMessage, responseTo } from './message.js';
import { canonicalName, parentName } from './name.js';
import type { DnsRecord } from './rdata.js';
import type { Zone, ZoneNode } from './zone.js';
import type { ZoneSet } from './zone-set.js';

/** Options for {@link answerQuery}. */
export interface AnswerOptions {
  /** The UDP payload size we advertise in our OPT record (default 1232, RFC 9715 advice). */
  readonly udpPayloadSize?: number;
  /** Most CNAMEs followed inside a zone for one answer (default 8). */
  readonly maxCnameChain?: number;
  /**
   * How to answer QTYPE ANY (RFC 8482): `minimal` (default) gives one RRset of the name — its
   * CNAME, else the RRset with the lowest type number — so ANY cannot be used for
   * amplification; `full` gives every RRset.
   */
  readonly anyQuery?: 'minimal' | 'full';
  /** Set RA in responses (a server that also forwards). Default false. */
  readonly recursionAvailable?: boolean;
}

/** What kind of answer was produced, for logs, statistics and forwarding. */
export type AnswerKind =
  | 'answer'
  | 'nodata'
  | 'nxdomain'
  | 'referral'
  /** No zone here contains the name: REFUSED, unless a forwarder takes `query` instead. */
  | 'out-of-zone'
  | 'refused'
  | 'formerr'
  | 'notimp'
  | 'badvers';

/** The result of {@link answerQuery}. */
export interface QueryAnswer {
  readonly kind: AnswerKind;
  readonly response: DnsMessage;
  /** The decoded query, or `null` when it could not be decoded (FORMERR). */
  readonly query: DnsMessage | null;
}

/**
 * Answers a query from the zones. Returns `null` — send nothing — for input too short to hold a
 * header, with QR set (a response sent to us), or undecodable with a question count other than
 * one (not DNS at all), so the server cannot be made to reflect garbage or loop with another
 * server. Undecodable input that claims one question is a malformed query — bytes after its
 * last record count as undecodable, as BIND holds — answered FORMERR (NOTIMP for an opcode other
 * than QUERY) with the header alone: QDCOUNT 0, so the reply is never larger than the query.
 * A decodable query with a question count other than one gets FORMERR with no question either.
 * Error replies that do echo the question go through {@link encodeReply}, which keeps them no
 * larger than the query too.
 *
 * @param zones the zones served.
 * @param query the query's bytes, or an already decoded query.
 * @param options EDNS size, CNAME bound, ANY policy.
 * @returns the response and its kind, or `null` for silence.
 * @example
 * const result = answerQuery(zones, datagram);
 * if (result !== null) send(encodeMessage(result.response, { maxSize: udpResponseLimit(result.query) }));
 */
export function answerQuery(
  zones: ZoneSet,
  query: Uint8Array | DnsMessage,
  options: AnswerOptions = {},
): QueryAnswer | null {
  let message: DnsMessage;
  if (query instanceof Uint8Array) {
    if (query.length < HEADER_LENGTH || (query[2]! & 0x80) !== 0) return null;
    const opcode = (query[2]! >> 3) & 0x0f;
    try {
      message = decodeMessage(query, { rejectTrailing: true });
    } catch (error) {
      if (!(error instanceof DnsFormatError)) throw error;
      // A query has exactly one question. Undecodable bytes whose header does not even say
      // that are noise, not a malformed query: answering them would reflect garbage.
      if (((query[4]! << 8) | query[5]!) !== 1) return null;
      const header = headerOnly(query);
      const rcode = opcode === Opcode.QUERY ? Rcode.FORMERR : Rcode.NOTIMP;
      return {
        kind: rcode === Rcode.FORMERR ? 'formerr' : 'notimp',
        response: { ...responseTo(header, rcode), ra: options.recursionAvailable ?? false },
        query: null,
      };
    }
  } else {
    if (query.qr) return null;
    message = query;
  }
  return answerMessage(zones, message, options);
}

/** The header fields of an undecodable query, enough to address a FORMERR to its sender. */
function headerOnly(bytes: Uint8Array): DnsMessage {
  return {
    id: (bytes[0]! << 8) | bytes[1]!,
    qr: false,
    opcode: (bytes[2]! >> 3) & 0x0f,
    aa: false,
    tc: false,
    rd: (bytes[2]! & 0x01) !== 0,
    ra: false,
    z: false,
    ad: false,
    cd: (bytes[3]! & 0x10) !== 0,
    rcode: 0,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
    edns: null,
  };
}

function answerMessage(zones: ZoneSet, query: DnsMessage, options: AnswerOptions): QueryAnswer {
  const ra = options.recursionAvailable ?? false;
  const edns =
    query.edns === null
      ? null
      : {
          udpPayloadSize: options.udpPayloadSize ?? 1232,
          version: 0,
          dnssecOk: query.edns.dnssecOk,
          flags: 0,
          options: [],
        };
  const reply = (
    kind: AnswerKind,
    rcode: number,
    extra: Partial<DnsMessage> = {},
  ): QueryAnswer => ({
    kind,
    query,
    response: { ...responseTo(query, rcode), ra, edns, ...extra },
  });
  if (query.opcode !== Opcode.QUERY) return reply('notimp', Rcode.NOTIMP);
  // RFC 6891 §6.1.3: answer an unknown EDNS version with BADVERS and the version we speak.
  if (query.edns !== null && query.edns.version > 0) return reply('badvers', Rcode.BADVERS);
  const question = query.questions[0];
  if (query.questions.length !== 1 || question === undefined) {
    // Echoing many questions (or one per compression pointer) would let a small query draw a
    // larger reply; the header says what is wrong.
    return reply('formerr', Rcode.FORMERR, { questions: [] });
  }
  const { type } = question;
  if (type === RRType.OPT) return reply('formerr', Rcode.FORMERR);
  // Zone transfers are not offered; refusing is the policy answer (RFC 5936 §4.2).
  if (type === RRType.AXFR || type === RRType.IXFR) return reply('refused', Rcode.REFUSED);
  const zone = zones.find(question.name);
  if (zone === undefined) return reply('out-of-zone', Rcode.REFUSED);
  if (question.class !== zone.class && question.class !== RRClass.ANY) {
    return reply('refused', Rcode.REFUSED);
  }
  const found = lookup(zone, question.name, type, options);
  const answers = found.answers;
  const authorities = found.authorities;
  const additionals = addAdditionals(zone, answers, authorities, found.kind === 'referral');
  return reply(found.kind, found.kind === 'nxdomain' ? Rcode.NXDOMAIN : Rcode.NOERROR, {
    aa: found.kind !== 'referral',
    answers,
    authorities,
    additionals,
  });
}

interface Found {
  kind: 'answer' | 'nodata' | 'nxdomain' | 'referral';
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

const EMPTY: ZoneNode = new Map();

/** Walks the zone for `qname`/`qtype`, following CNAMEs that stay inside the zone. */
function lookup(zone: Zone, qname: string, qtype: number, options: AnswerOptions): Found {
  const answers: DnsRecord[] = [];
  const maxChain = options.maxCnameChain ?? 8;
  // Only a CNAME chain needs loop detection; most answers never allocate the set.
  let seen: Set<string> | undefined;
  let name = qname;
  for (let step = 0; ; step++) {
    const key = canonicalName(name);
    const cut = zone.findCut(key);
    // The parent side answers DS at a delegation point itself (RFC 4035 §3.1.4.1).
    if (cut !== undefined && !(cut === key && qtype === RRType.DS)) {
      if (step > 0) return { kind: 'answer', answers, authorities: [] };
      return { kind: 'referral', answers, authorities: [...zone.get(cut, RRType.NS)!] };
    }
    const node = zone.node(key) ?? (zone.has(key) ? EMPTY : wildcard(zone, key));
    if (node === undefined) {
      return { kind: 'nxdomain', answers, authorities: [zone.negativeSoa] };
    }
    if (qtype === RRType.ANY) {
      const rrsets = anyRRsets(node, options.anyQuery ?? 'minimal');
      if (rrsets.length === 0) return { kind: 'nodata', answers, authorities: [zone.negativeSoa] };
      for (const rrset of rrsets) pushOwned(answers, rrset, name);
      return { kind: 'answer', answers, authorities: [] };
    }
    const rrset = node.get(qtype);
    if (rrset !== undefined) {
      pushOwned(answers, rrset, name);
      return { kind: 'answer', answers, authorities: [] };
    }
    const cname = node.get(RRType.CNAME);
    if (cname === undefined) return { kind: 'nodata', answers, authorities: [zone.negativeSoa] };
    pushOwned(answers, cname, name);
    const record = cname[0]!;
    if (record.data.kind !== 'CNAME') return { kind: 'answer', answers, authorities: [] };
    const target = record.data.target;
    const targetKey = canonicalName(target);
    // Out of the zone, a loop, or too long a chain: the resolver takes it from here.
    seen ??= new Set([key]);
    if (!zone.contains(targetKey) || seen.has(targetKey) || step + 1 >= maxChain) {
      return { kind: 'answer', answers, authorities: [] };
    }
    seen.add(targetKey);
    name = target;
  }
}

/**
 * RFC 4592 §3.3.1: the source of synthesis is `*.` + the closest encloser, the longest
 * existing ancestor of the name.
 */
function wildcard(zone: Zone, key: string): ZoneNode | undefined {
  let encloser = parentName(key);
  while (!zone.has(encloser)) {
    if (encloser === zone.key || encloser === '.') return undefined;
    encloser = parentName(encloser);
  }
  const source = zone.node(encloser === '.' ? '*' : `*.${encloser}`);
  return source;
}

function anyRRsets(node: ZoneNode, policy: 'minimal' | 'full'): (readonly DnsRecord[])[] {
  const cname = node.get(RRType.CNAME);
  if (cname !== undefined) return [cname];
  const types = [...node.keys()].sort((a, b) => a - b);
  if (policy === 'minimal') return types.length === 0 ? [] : [node.get(types[0]!)!];
  return types.map((t) => node.get(t)!);
}

/** Adds an RRset under the owner name asked for: the query's case, or the wildcard's target. */
function pushOwned(out: DnsRecord[], rrset: readonly DnsRecord[], owner: string): void {
  for (const r of rrset) out.push(r.name === owner ? r : { ...r, name: owner });
}
