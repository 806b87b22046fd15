/**
 * The shape of a decoded DNS message (RFC 1035 §4.1, RFC 6891 for EDNS) and helpers to build
 * queries and responses.
 */
import { Opcode, RRClass, RRType } from './constants.js';
import type { DnsRecord } from './rdata.js';

/** One entry of the question section. */
export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

/** One EDNS option, kept as bytes (a COOKIE, a PADDING, …). */
export interface EdnsOptionData {
  readonly code: number;
  readonly data: Uint8Array;
}

/** The OPT pseudo-record (RFC 6891), lifted out of the additional section. */
export interface Edns {
  /** The sender's largest UDP payload it can receive. */
  readonly udpPayloadSize: number;
  /** EDNS version; only 0 is defined. */
  readonly version: number;
  /** The DO bit (RFC 3225): the sender wants DNSSEC records. */
  readonly dnssecOk: boolean;
  /** The other 15 flag bits, kept so a message round-trips exactly. */
  readonly flags: number;
  readonly options: readonly EdnsOptionData[];
}

/**
 * A DNS message. `rcode` is the full 12-bit code: the header's 4 bits plus the OPT record's
 * extended bits. The OPT record is not in `additionals`; it is `edns`.
 */
export interface DnsMessage {
  readonly id: number;
  /** Query (false) or response (true). */
  readonly qr: boolean;
  readonly opcode: number;
  /** Authoritative answer. */
  readonly aa: boolean;
  /** Truncated. */
  readonly tc: boolean;
  /** Recursion desired. */
  readonly rd: boolean;
  /** Recursion available. */
  readonly ra: boolean;
  /** The reserved Z bit; must be 0, kept for round trips. */
  readonly z: boolean;
  /** Authentic data (RFC 4035). */
  readonly ad: boolean;
  /** Checking disabled (RFC 4035). */
  readonly cd: boolean;
  readonly rcode: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
  readonly edns: Edns | null;
}

/** Options for {@link createQuery}. */
export interface CreateQueryOptions {
  /** Message id (default 0; a client should pick a random one). */
  readonly id?: number;
  /** Query class (default IN). */
  readonly class?: number;
  /** Recursion desired (default true, as dig sends). */
  readonly rd?: boolean;
  /** Add an OPT record with this payload size (default: no EDNS). */
  readonly ednsPayloadSize?: number;
  /** Set the DO bit (implies EDNS). */
  readonly dnssecOk?: boolean;
  /** EDNS options to send (implies EDNS). */
  readonly ednsOptions?: readonly EdnsOptionData[];
}

/**
 * Builds a standard query for one name and type.
 *
 * @param name the name to ask about.
 * @param type the type to ask for (`RRType.A`, …).
 * @param options id, class, RD and EDNS settings.
 * @returns the query message, ready for `encodeMessage`.
 * @example
 * const q = createQuery('www.example.test', RRType.A, { id: 4660, ednsPayloadSize: 1232 });
 */
export function createQuery(
  name: string,
  type: number = RRType.A,
  options: CreateQueryOptions = {},
): DnsMessage {
  const wantsEdns =
    options.ednsPayloadSize !== undefined ||
    options.dnssecOk === true ||
    options.ednsOptions !== undefined;
  return {
    id: options.id ?? 0,
    qr: false,
    opcode: Opcode.QUERY,
    aa: false,
    tc: false,
    rd: options.rd ?? true,
    ra: false,
    z: false,
    ad: false,
    cd: false,
    rcode: 0,
    questions: [{ name, type, class: options.class ?? RRClass.IN }],
    answers: [],
    authorities: [],
    additionals: [],
    edns: wantsEdns
      ? {
          udpPayloadSize: options.ednsPayloadSize ?? 1232,
          version: 0,
          dnssecOk: options.dnssecOk ?? false,
          flags: 0,
          options: options.ednsOptions ?? [],
        }
      : null,
  };
}

/**
 * Starts a response to `query`: same id, opcode, RD, CD and question, QR set, everything else
 * empty. Callers spread it and fill in the rest.
 *
 * @param query the query being answered.
 * @param rcode the response code (default NOERROR).
 * @returns the response skeleton.
 * @example
 * const refused = responseTo(query, Rcode.REFUSED);
 */
export function responseTo(query: DnsMessage, rcode = 0): DnsMessage {
  return {
    id: query.id,
    qr: true,
    opcode: query.opcode,
    aa: false,
    tc: false,
    rd: query.rd,
    ra: false,
    z: false,
    ad: false,
    cd: query.cd,
    rcode,
    questions: query.questions,
    answers: [],
    authorities: [],
    additionals: [],
    edns: null,
  };
}
