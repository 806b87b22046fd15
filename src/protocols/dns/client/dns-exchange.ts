/**
 * One query to one server and its answer, over UDP or TCP, on polyport sockets: the piece the
 * `Resolver` and the server's forwarder share. Spoofing defences of RFC 5452: a fresh UDP socket
 * per query (so a fresh random source port from the kernel), connected to the server so the
 * kernel drops datagrams from anyone else, and an answer accepted only when its id and question
 * match the query's; anything else is ignored while the deadline lasts.
 */
import {
  AF_INET,
  AF_INET6,
  SOCK_DGRAM,
  type Socket,
  SocketTimeoutError,
  socket,
} from '../../../socket/index.js';
import { Rcode } from '../codec/constants.js';
import { decodeMessage } from '../codec/decode-message.js';
import { encodeMessage } from '../codec/encode-message.js';
import { DnsFormatError } from '../codec/errors.js';
import type { DnsMessage, DnsQuestion } from '../codec/message.js';
import { namesEqual } from '../codec/name.js';
import { DnsTcpFramer, frame } from '../codec/tcp-framer.js';
import { DnsBadResponseError, DnsTimeoutError } from './resolver-errors.js';

/** Options for {@link exchange}. */
export interface ExchangeOptions {
  /** Use TCP instead of UDP. */
  readonly tcp?: boolean;
  /** Seconds to wait for the answer (default 5), as socket timeouts are given. */
  readonly timeout?: number;
}

/** What {@link exchange} got back. */
export interface ExchangeResult {
  readonly response: DnsMessage;
  /** The size of the response on the wire (without the TCP length prefix). */
  readonly size: number;
}

/**
 * Sends `query` to `server` and waits for the matching answer. It does not retry and does not
 * switch to TCP on truncation: callers decide that (the `Resolver` and the forwarder do).
 *
 * @param query the query; its id should be random (see `randomId()`, random-id.ts).
 * @param server `[host, port]` of an IPv4 or IPv6 address.
 * @param options transport and timeout.
 * @returns the decoded response and its size.
 * @throws {DnsTimeoutError} when no matching answer arrives in time.
 * @throws {DnsBadResponseError} when a TCP answer cannot be decoded or does not match.
 * @throws {RangeError} when `timeout` is not positive.
 * @throws {SocketError} when the server cannot be reached (a refused TCP connection, …).
 * @example
 * const { response } = await exchange(createQuery('www.example.test', RRType.A, { id: randomId() }),
 *   ['127.0.0.1', 10053]);
 */
export async function exchange(
  query: DnsMessage,
  server: readonly [string, number],
  options: ExchangeOptions = {},
): Promise<ExchangeResult> {
  const timeout = options.timeout ?? 5;
  if (!(timeout > 0)) throw new RangeError(`timeout must be positive, got ${timeout}`);
  const bytes = encodeMessage(query);
  const deadline = Date.now() + timeout * 1000;
  const qname = query.questions[0]?.name ?? '.';
  const fail = (): DnsTimeoutError =>
    new DnsTimeoutError(qname, serverText(server), timeout * 1000);
  try {
    return options.tcp
      ? await overTcp(query, bytes, server, deadline)
      : await overUdp(query, bytes, server, deadline);
  } catch (err) {
    if (err instanceof SocketTimeoutError) throw fail();
    throw err;
  }
}

/**
 * Whether `response` answers `query`: a response with the same id, opcode and question (names
 * compared ignoring case). A server that could not parse the question may send none back with
 * FORMERR or NOTIMP; that is accepted too, so the caller learns why.
 *
 * @param query the query sent.
 * @param response a decoded candidate answer.
 * @returns whether it is the answer.
 * @example
 * if (!matchesQuery(query, response)) ignore();
 */
export function matchesQuery(query: DnsMessage, response: DnsMessage): boolean {
  if (!response.qr || response.id !== query.id || response.opcode !== query.opcode) return false;
  if (response.questions.length === 0) {
    return response.rcode === Rcode.FORMERR || response.rcode === Rcode.NOTIMP;
  }
  if (response.questions.length !== query.questions.length) return false;
  return response.questions.every((q, i) => sameQuestion(q, query.questions[i]!));
}

function sameQuestion(a: DnsQuestion, b: DnsQuestion): boolean {
  return a.type === b.type && a.class === b.class && namesEqual(a.name, b.name);
}

/** Formats `[host, port]` as `host:port` (`[v6]:port`) for messages. */
export function serverText(server: readonly [string, number]): string {
  return server[0].includes(':') ? `[${server[0]}]:${server[1]}` : `${server[0]}:${server[1]}`;
}

function familyOf(host: string): number {
  return host.includes(':') ? AF_INET6 : AF_INET;
}

function remaining(deadline: number): number {
  return Math.max(0.001, (deadline - Date.now()) / 1000);
}

async function overUdp(
  query: DnsMessage,
  bytes: Buffer,
  server: readonly [string, number],
  deadline: number,
): Promise<ExchangeResult> {
  const sock = socket(familyOf(server[0]), SOCK_DGRAM);
  try {
    sock.settimeout(remaining(deadline));
    await sock.connect([server[0], server[1]]);
    await sock.send(bytes);
    for (;;) {
      sock.settimeout(remaining(deadline));
      const data = await sock.recv(65535);
      const response = tryDecode(data);
      // A forged or stray datagram must not end the wait for the real answer (RFC 5452 §9.1).
      if (response !== null && matchesQuery(query, response)) {
        return { response, size: data.length };
      }
      if (Date.now() >= deadline) throw new SocketTimeoutError({ op: 'recv' });
    }
  } finally {
    sock.close();
  }
}

async function overTcp(
  query: DnsMessage,
  bytes: Buffer,
  server: readonly [string, number],
  deadline: number,
): Promise<ExchangeResult> {
  const sock: Socket = socket(familyOf(server[0]));
  const qname = query.questions[0]?.name ?? '.';
  try {
    sock.settimeout(remaining(deadline));
    await sock.connect([server[0], server[1]]);
    await sock.sendall(frame(bytes));
    const framer = new DnsTcpFramer();
    for (;;) {
      sock.settimeout(remaining(deadline));
      const chunk = await sock.recv(65537);
      if (chunk.length === 0) {
        throw new DnsBadResponseError(qname, 'the server closed the connection without answering');
      }
      framer.receiveData(chunk);
      for (let ev = framer.nextEvent(); ev !== null; ev = framer.nextEvent()) {
        if (ev.type !== 'message') continue;
        const response = tryDecode(ev.message);
        if (response === null) throw new DnsBadResponseError(qname, 'undecodable message');
        if (matchesQuery(query, response)) return { response, size: ev.message.length };
        // RFC 7766 allows answers out of order; on our one-query connection another id is junk.
      }
    }
  } finally {
    sock.close();
  }
}

function tryDecode(data: Buffer): DnsMessage | null {
  try {
    return decodeMessage(data);
  } catch (err) {
    if (err instanceof DnsFormatError) return null;
    throw err;
  }
}
