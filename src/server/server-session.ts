/**
 * `ServerSession`: what the kit's {@link Connection} drives — a protocol's server side as a
 * sans-I/O object (bytes in, events out, bytes back), h11's shape. `SmtpServerSession` and
 * `Pop3ServerSession` are sessions; so is any new protocol's.
 */

/**
 * A protocol session without I/O: it parses what it is given, reports what the client asked
 * for as events, and holds the replies it wrote until they are taken.
 *
 * @example
 * session.receiveData(Buffer.from('NOOP\r\n'));
 * session.nextEvent(); // null: NOOP needs no handler
 * session.takeOutput().toString(); // '250 2.0.0 Ok\r\n'
 */
export interface ServerSession<E> {
  /** Bytes from the client; the session may keep them (nobody reuses them afterwards). */
  receiveData(chunk: Uint8Array): void;
  /** The next thing a handler must act on, or null when the session needs input (or waits). */
  nextEvent(): E | null;
  /** Everything written since the last call (an empty buffer when nothing was). */
  takeOutput(): Buffer;
  /**
   * The client ended its side (a FIN). A session that takes the end as the end of a request
   * (finger, an HTTP/1.0 body) implements it; without it a FIN closes the connection at once.
   */
  receiveEnd?(): void;
  /** Part of a command line is waiting for its end (the read timeout runs meanwhile). */
  readonly partialCommand: boolean;
  /** A message body (SMTP DATA) is arriving: no gap in it may exceed the read timeout. */
  readonly receivingBody?: boolean;
}
