/**
 * The errors of polyport's DNS client side (the `Resolver` and the forwarder): a server that did
 * not answer in time, an answer that was not usable, and one class per failing response code so
 * callers can `catch` exactly what they handle.
 */
import { Rcode, rcodeToString } from '../codec/constants.js';
import type { DnsMessage } from '../codec/message.js';

/**
 * The base of every resolver error. `code` is stable for logs and tests (`ETIMEOUT`,
 * `ENXDOMAIN`, …), in the style of Node's own `dns` module.
 *
 * @example
 * try { await resolver.resolve4('x.test'); } catch (e) { if (e instanceof DnsError) log(e.code); }
 */
export class DnsError extends Error {
  /** Stable code for logs and tests. */
  readonly code: string;
  /** The name asked about. */
  readonly qname: string;

  /**
   * @param code the stable code.
   * @param message what went wrong.
   * @param qname the name asked about.
   */
  constructor(code: string, message: string, qname: string) {
    super(message);
    this.name = 'DnsError';
    this.code = code;
    this.qname = qname;
  }
}

/**
 * No answer came back from any server in time (after every retry).
 *
 * @example
 * new DnsTimeoutError('www.example.test', '127.0.0.1:53', 5000);
 */
export class DnsTimeoutError extends DnsError {
  /**
   * @param qname the name asked about.
   * @param server the last server tried, as `host:port`.
   * @param ms how long the last attempt waited, in milliseconds.
   */
  constructor(qname: string, server: string, ms: number) {
    super('ETIMEOUT', `query for ${qname} to ${server} timed out after ${ms} ms`, qname);
    this.name = 'DnsTimeoutError';
  }
}

/**
 * The server answered with a failing response code. `response` is the whole decoded answer,
 * for a caller that wants its authority section (the SOA of an NXDOMAIN, say).
 *
 * @example
 * if (err instanceof DnsResponseError) console.log(err.rcode, err.response.authorities);
 */
export class DnsResponseError extends DnsError {
  /** The response code (12-bit, extended codes included). */
  readonly rcode: number;
  /** The response as received. */
  readonly response: DnsMessage;

  /**
   * @param qname the name asked about.
   * @param response the failing response.
   * @param code the stable code (default `E` + the rcode's mnemonic).
   */
  constructor(qname: string, response: DnsMessage, code?: string) {
    const mnemonic = rcodeToString(response.rcode);
    super(code ?? `E${mnemonic}`, `query for ${qname} failed: ${mnemonic}`, qname);
    this.name = 'DnsResponseError';
    this.rcode = response.rcode;
    this.response = response;
  }
}

/**
 * The name does not exist (NXDOMAIN, RFC 1035 §4.1.1; "name error").
 *
 * @example
 * await assert.rejects(resolver.resolve4('nope.example.test'), DnsNxdomainError);
 */
export class DnsNxdomainError extends DnsResponseError {
  /**
   * @param qname the name asked about.
   * @param response the NXDOMAIN response.
   */
  constructor(qname: string, response: DnsMessage) {
    super(qname, response, 'ENXDOMAIN');
    this.name = 'DnsNxdomainError';
  }
}

/**
 * The server failed to answer (SERVFAIL).
 *
 * @example
 * if (err instanceof DnsServfailError) tryAnotherServer();
 */
export class DnsServfailError extends DnsResponseError {
  /**
   * @param qname the name asked about.
   * @param response the SERVFAIL response.
   */
  constructor(qname: string, response: DnsMessage) {
    super(qname, response, 'ESERVFAIL');
    this.name = 'DnsServfailError';
  }
}

/**
 * The server refused the query (REFUSED: not authoritative and not recursing for us).
 *
 * @example
 * if (err instanceof DnsRefusedError) console.error('that server will not answer for this name');
 */
export class DnsRefusedError extends DnsResponseError {
  /**
   * @param qname the name asked about.
   * @param response the REFUSED response.
   */
  constructor(qname: string, response: DnsMessage) {
    super(qname, response, 'EREFUSED');
    this.name = 'DnsRefusedError';
  }
}

/**
 * The name exists but has no records of the type asked for (NOERROR with an empty answer,
 * "NODATA" in RFC 2308's words). Only the `resolveX` helpers raise it; `query()` returns the
 * message.
 *
 * @example
 * await assert.rejects(resolver.resolveMx('www.example.test'), DnsNoDataError);
 */
export class DnsNoDataError extends DnsResponseError {
  /**
   * @param qname the name asked about.
   * @param response the empty NOERROR response.
   */
  constructor(qname: string, response: DnsMessage) {
    super(qname, response, 'ENODATA');
    this.name = 'DnsNoDataError';
  }
}

/**
 * An answer arrived but could not be used: undecodable, or (over TCP, where nothing else can
 * be waited for) for another question.
 *
 * @example
 * if (err instanceof DnsBadResponseError) console.error(err.message);
 */
export class DnsBadResponseError extends DnsError {
  /**
   * @param qname the name asked about.
   * @param message what was wrong with the answer.
   */
  constructor(qname: string, message: string) {
    super('EBADRESP', `bad response for ${qname}: ${message}`, qname);
    this.name = 'DnsBadResponseError';
  }
}

/**
 * The error for a failing response, of the most specific class; `null` for NOERROR.
 *
 * @param qname the name asked about.
 * @param response the decoded response.
 * @returns the error to throw, or `null` when the rcode is NOERROR.
 * @example
 * const err = responseError('x.test', response);
 * if (err !== null) throw err;
 */
export function responseError(qname: string, response: DnsMessage): DnsResponseError | null {
  switch (response.rcode) {
    case Rcode.NOERROR:
      return null;
    case Rcode.NXDOMAIN:
      return new DnsNxdomainError(qname, response);
    case Rcode.SERVFAIL:
      return new DnsServfailError(qname, response);
    case Rcode.REFUSED:
      return new DnsRefusedError(qname, response);
    default:
      return new DnsResponseError(qname, response);
  }
}
