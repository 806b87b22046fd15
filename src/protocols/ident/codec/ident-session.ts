/**
 * `IdentSession`: an ident connection (RFC 1413) as a sans-I/O session for the kit's
 * `Connection` — query lines in, one reply line out for each.
 */
import type { ServerSession } from '../../../server/server-session.js';
import { LineSplitter } from '../../common/line-splitter.js';
import { type IdentQuery, parseIdentQuery } from './ident-query.js';
import { formatIdentReply, type IdentAnswer } from './ident-reply.js';

/** The longest query line taken (RFC 1413 lets a server drop more than 1000 characters). */
export const MAX_QUERY_LINE = 1000;

/**
 * Each line is a query event, answered in order with {@link answer}; the connection stays open
 * for more until the client closes it (or a timeout does). A line that is not two ports is an
 * `invalid` query (answered `INVALID-PORT`), and so is one past 1000 octets, whose bytes are
 * dropped as they come: it is answered at its end (the read timeout bounds the wait).
 *
 * @example
 * const session = new IdentSession();
 * session.receiveData(Buffer.from('6193, 23\r\n'));
 * const query = session.nextEvent(); // { type: 'query', serverPort: 6193, clientPort: 23 }
 * session.answer(query!, { type: 'error', error: 'NO-USER' });
 * session.takeOutput().toString(); // '6193, 23 : ERROR : NO-USER\r\n'
 */
export class IdentSession implements ServerSession<IdentQuery> {
  readonly #lines = new LineSplitter({ maxLineLength: MAX_QUERY_LINE });
  #output: string[] = [];
  /** Bytes since the last line end: a query on its way (over-long ones included). */
  #sinceLineEnd = 0;

  receiveData(chunk: Uint8Array): void {
    this.#lines.push(chunk);
    const lf = chunk.lastIndexOf(10);
    this.#sinceLineEnd = lf === -1 ? this.#sinceLineEnd + chunk.length : chunk.length - lf - 1;
  }

  nextEvent(): IdentQuery | null {
    const event = this.#lines.next();
    if (event === null) return null;
    if (event.type === 'too-long') return { type: 'invalid', serverPort: 0, clientPort: 0 };
    return parseIdentQuery(event.line.toString('latin1'));
  }

  takeOutput(): Buffer {
    const out = Buffer.from(this.#output.join(''), 'latin1');
    this.#output = [];
    return out;
  }

  get partialCommand(): boolean {
    return this.#sinceLineEnd > 0;
  }

  /** Writes the reply to `query`. */
  answer(query: IdentQuery, answer: IdentAnswer): void {
    const reply: IdentAnswer =
      query.type === 'invalid' ? { type: 'error', error: 'INVALID-PORT' } : answer;
    this.#output.push(formatIdentReply(query.serverPort, query.clientPort, reply));
  }
}
