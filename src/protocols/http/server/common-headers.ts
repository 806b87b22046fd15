/**
 * `CommonHeaders`: the `Date` and `Server` lines every response carries, formatted once a second
 * rather than once a request.
 */
import type { Clock } from '../../../server/clock.js';
import { fieldLine } from '../codec/encode-head.js';
import { isFieldValue } from '../codec/field-syntax.js';
import { formatHttpDate } from '../codec/http-date.js';

/**
 * Caches the `Date: …\r\nServer: …\r\n` text. The date is recomputed when the clock's second
 * changes (asked on each call; no timer), so a burst of requests formats it once.
 *
 * @example
 * const common = new CommonHeaders(systemClock, 'polyport');
 * common.text(); // 'Date: Tue, 24 Nov 2026 15:00:00 GMT\r\nServer: polyport\r\n'
 */
export class CommonHeaders {
  readonly #clock: Clock;
  readonly #server: string;
  #second = Number.NaN;
  #text = '';

  /**
   * @param clock Where the time comes from.
   * @param serverName The `Server` value; `''` leaves the field out.
   * @throws {TypeError} When `serverName` is not a valid field value.
   */
  constructor(clock: Clock, serverName: string) {
    if (!isFieldValue(serverName)) {
      throw new TypeError(`invalid server name ${JSON.stringify(serverName)}`);
    }
    this.#clock = clock;
    this.#server = serverName === '' ? '' : fieldLine('Server', serverName);
  }

  /**
   * The lines for now.
   *
   * @returns `Date` and `Server` lines, each ending in CRLF.
   */
  text(): string {
    return this.textAt(this.#clock.now());
  }

  /**
   * The lines for a time the caller has just read from the same clock (saves a second read).
   *
   * @param now The clock's milliseconds.
   * @returns `Date` and `Server` lines, each ending in CRLF.
   * @example common.textAt(clock.now());
   */
  textAt(now: number): string {
    const second = Math.floor(now / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#text = fieldLine('Date', formatHttpDate(new Date(second * 1000))) + this.#server;
    }
    return this.#text;
  }
}
