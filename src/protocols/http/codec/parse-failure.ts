/**
 * The internal signal a parser throws to itself when input breaks the protocol. The parsers
 * catch it in `nextEvent()` and turn it into their `error` event; it never reaches a caller.
 */

/**
 * A protocol violation with the status a server answers it with.
 *
 * @example
 * throw new ParseFailure(400, 'Bare LF in head');
 */
export class ParseFailure extends Error {
  /** The HTTP status that answers this violation (400, 413, 414, 431, 501, 505). */
  readonly status: number;

  /**
   * @param status The status code for the error reply.
   * @param reason A short human explanation, stable enough for tests and logs.
   */
  constructor(status: number, reason: string) {
    super(reason);
    this.name = 'ParseFailure';
    this.status = status;
  }
}
