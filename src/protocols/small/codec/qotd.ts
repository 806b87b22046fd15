/**
 * The Quote of the Day Protocol (RFC 865): one short message, then the server closes.
 */

/** The most characters RFC 865 allows in an answer. */
export const QOTD_MAX_LENGTH = 512;

const DAY_MS = 86_400_000;
/** C0 controls but TAB, LF and CR, DEL and C1: a quotes file must not drive a terminal. */
const UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/g;
const LINE_BREAK = /\r\n|\r|\n/;
const CRLF = Buffer.from('\r\n');

/**
 * Parses a quotes file in the fortune(6) format: quotations separated by lines holding only
 * `%`. Blank lines around a quotation are dropped, and so are empty quotations, so a file may
 * start or end with `%` and hold `%%` runs.
 *
 * @param text The file's contents, with LF or CRLF line ends.
 * @returns The quotations in file order, lines joined with LF.
 * @throws Never.
 * @example
 * parseQuotes('First.\n%\nSecond,\n  -- someone\n%\n'); // ['First.', 'Second,\n  -- someone']
 */
export function parseQuotes(text: string): string[] {
  const quotes: string[] = [];
  let current: string[] = [];
  const flush = () => {
    while (current.length > 0 && (current[0] ?? '').trim() === '') current.shift();
    while (current.length > 0 && (current[current.length - 1] ?? '').trim() === '') current.pop();
    if (current.length > 0) quotes.push(current.join('\n'));
    current = [];
  };
  for (const line of text.split(LINE_BREAK)) {
    if (line.trimEnd() === '%') flush();
    else current.push(line);
  }
  flush();
  return quotes;
}

function checkQuotes(quotes: readonly string[]): void {
  if (quotes.length === 0) throw new RangeError('there is no quotation to choose from');
}

/**
 * Picks the quotation of the day: the same one all day (days are counted in UTC from
 * 1970-01-01), the next one the next day, going round the list.
 *
 * @param quotes The quotations to choose from.
 * @param date The day to choose for (the server passes its clock's now).
 * @returns One of `quotes`.
 * @throws {RangeError} If `quotes` is empty or `date` is an invalid Date.
 * @example
 * quoteOfTheDay(['a', 'b'], new Date('1970-01-02T12:00:00Z')); // 'b'
 */
export function quoteOfTheDay(quotes: readonly string[], date: Date): string {
  checkQuotes(quotes);
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('quoteOfTheDay() needs a valid Date');
  const day = Math.floor(ms / DAY_MS);
  const index = ((day % quotes.length) + quotes.length) % quotes.length;
  return quotes[index] ?? '';
}

/**
 * Picks a quotation at random, for servers configured to vary the answer on every connection.
 *
 * @param quotes The quotations to choose from.
 * @param random A source of uniform numbers in [0, 1), such as `Math.random`.
 * @returns One of `quotes`.
 * @throws {RangeError} If `quotes` is empty or `random()` returns a number outside [0, 1).
 * @example
 * randomQuote(['a', 'b'], () => 0.75); // 'b'
 */
export function randomQuote(quotes: readonly string[], random: () => number): string {
  checkQuotes(quotes);
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return [0, 1), got ${r}`);
  return quotes[Math.floor(r * quotes.length)] ?? '';
}

/** Options for {@link formatQuote}. */
export interface QotdFormatOptions {
  /** The most bytes in the answer, line ends included (default and RFC 865 limit: 512). */
  readonly maxLength?: number;
}

/**
 * Formats a quotation as the QOTD answer: control characters other than TAB stripped (a quotes
 * file must not be able to send terminal escapes), every line ended with CRLF, and the whole
 * cut to the RFC 865 limit at the last line that fits (or, if the first line alone is too
 * long, at the last whole character that fits).
 *
 * @param quote The quotation.
 * @param options The size limit.
 * @returns The answer bytes (UTF-8), at most `maxLength` long.
 * @throws {RangeError} If `maxLength` is not an integer from 3 to 512.
 * @example
 * formatQuote('Brevity is the soul of wit.\n\t-- Hamlet').toString();
 * // 'Brevity is the soul of wit.\r\n\t-- Hamlet\r\n'
 */
export function formatQuote(quote: string, options: QotdFormatOptions = {}): Buffer {
  const max = options.maxLength ?? QOTD_MAX_LENGTH;
  if (!Number.isInteger(max) || max < 3 || max > QOTD_MAX_LENGTH) {
    throw new RangeError(`maxLength must be 3..${QOTD_MAX_LENGTH}, got ${max}`);
  }
  const lines = quote.replace(UNSAFE, '').split(LINE_BREAK);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const parts: Buffer[] = [];
  let used = 0;
  for (const line of lines) {
    // Only the start of a huge line can matter; UTF-8 is never shorter than UTF-16 units.
    const bytes = Buffer.from(line.slice(0, max), 'utf8');
    if (used + bytes.length + CRLF.length <= max) {
      parts.push(bytes, CRLF);
      used += bytes.length + CRLF.length;
      continue;
    }
    if (used === 0) {
      let cut = max - CRLF.length;
      while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
      parts.push(bytes.subarray(0, cut), CRLF);
      used = cut + CRLF.length;
    }
    break;
  }
  return Buffer.concat(parts, used);
}
