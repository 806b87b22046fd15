/**
 * `PreparedFields`: header field lines checked and encoded once, for an answer a server repeats
 * many times (a cached file's validators and type).
 */
import { fieldLines, type HeaderInput } from './encode-head.js';

/** Fields the server frames itself; a prepared block must not carry them. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * Field lines validated once (names are tokens, values hold no CR, LF or other controls) and
 * kept as text, so {@link HttpResponse.sendPrepared} can send them without checking each
 * request again.
 *
 * @example
 * const fields = new PreparedFields([['Content-Type', 'text/html; charset=utf-8']]);
 * response.sendPrepared(fields, page);
 */
export class PreparedFields {
  /** The lines, `name: value\r\n` each. */
  readonly text: string;
  /** The same fields as `[name, value]` pairs. */
  readonly pairs: ReadonlyArray<readonly [string, string]>;

  /**
   * @param fields The fields in order.
   * @throws {TypeError} For a name that is not a token, a value that is not a valid field value,
   *   or a framing field (`Content-Length`, `Transfer-Encoding`, `Connection`: the server's).
   */
  constructor(fields: HeaderInput) {
    const pairs = [...fields];
    for (const [name] of pairs) {
      if (FRAMING.has(name.toLowerCase())) {
        throw new TypeError(`${name} is set by the server, not by prepared fields`);
      }
    }
    this.text = fieldLines(pairs);
    this.pairs = pairs;
  }
}
