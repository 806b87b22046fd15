/**
 * Faults on purpose: what a server tells its host about the step it is about to take, and the
 * fault the host's rules answer with. A server without rules (or used alone) never sees one.
 */

/**
 * The step a server is at, for rules to match: its client and whatever of the protocol's facts
 * apply (an SMTP/POP3/FTP command verb, an HTTP method and path, a DNS name and type, a user).
 *
 * @example
 * const facts: FaultFacts = { peer: '127.0.0.1:5000', command: 'RCPT' };
 */
export interface FaultFacts {
  /** The client, as `peerText()` formats it. */
  readonly peer: string;
  /** A command verb in upper case (`MAIL`, `RCPT`, `DATA`, `RETR`, `PASV`, `STOR`, …). */
  readonly command?: string;
  /** A DNS question name (no trailing dot) or a finger user. */
  readonly name?: string;
  /** A DNS question type (`A`, `MX`, …). */
  readonly type?: string;
  /** An HTTP request path, or an FTP path. */
  readonly path?: string;
  /** An HTTP method. */
  readonly method?: string;
  /** The logged-in user, when there is one. */
  readonly user?: string;
}

/**
 * What to do instead of (or before) the normal step. Which keys a protocol honours is listed in
 * `docs/faults.md`; a server ignores the keys it has no use for.
 *
 * @example
 * const tryLater: FaultAction = { reply: '451 4.3.0 try again later' };
 * const flaky: FaultAction = { rcode: 'SERVFAIL' };
 */
export interface FaultAction {
  /** Milliseconds to wait before going on (with the other keys, or the normal answer). */
  readonly delay?: number;
  /** A line-protocol reply sent instead of the normal one (`451 4.3.0 …`, `-ERR …`, `425 …`). */
  readonly reply?: string;
  /** Close the connection (TCP) at this step, without an answer. */
  readonly disconnect?: boolean;
  /** An HTTP status answered instead of the normal response. */
  readonly status?: number;
  /** A DNS response code answered instead of the normal one (`SERVFAIL`, `NXDOMAIN`, …). */
  readonly rcode?: string;
  /** DNS: no answer at all. */
  readonly drop?: boolean;
  /** DNS: the answer truncated (TC set, no records), as a too-large UDP answer is. */
  readonly truncate?: boolean;
  /** DNS: the answer with a different message ID than the query's. */
  readonly wrongId?: boolean;
  /** HTTP: the response sent `bytes` at a time, one piece every `everyMs`. */
  readonly dribble?: { readonly bytes: number; readonly everyMs: number };
  /** HTTP: reset the connection once the response head is sent. */
  readonly resetAfterHead?: boolean;
  /** HTTP: the chunked body broken by a malformed chunk-size line. */
  readonly malformedChunk?: boolean;
  /** FTP/POP3: the transfer cut (connection closed) after this many bytes of data. */
  readonly cutAfter?: number;
}

/**
 * Asks the host's rules whether this step gets a fault. Called at each step a protocol can
 * fault; it must be cheap when there are no rules.
 * @returns the fault to inject, or undefined for the normal step.
 */
export type FaultHook = (facts: FaultFacts) => FaultAction | undefined;
