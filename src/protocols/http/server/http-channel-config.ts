/**
 * `HttpChannelConfig`: what the connections of one HTTP service share, made once by
 * `startHttpService()` and handed to each `HttpServerChannel`.
 */
import type { RequestParserOptions } from '../codec/request-parser.js';
import type { CommonHeaders } from './common-headers.js';
import type { HeadCache } from './head-cache.js';
import type { HttpHandler } from './http-handler.js';

/**
 * What every connection of one service shares.
 *
 * @example
 * const config: HttpChannelConfig = {
 *   handlers: [routeHandler('GET', '/hello', (_request, response) => response.send('hello\n'))],
 *   common: new CommonHeaders(systemClock, 'polyport'),
 *   parser: { maxHeaderBytes: 64 * 1024 },
 *   secure: false,
 *   bodyTimeout: 30,
 *   lingerTime: 2000,
 * };
 */
export interface HttpChannelConfig {
  readonly handlers: readonly HttpHandler[];
  readonly common: CommonHeaders;
  readonly parser: RequestParserOptions;
  readonly secure: boolean;
  /** Seconds a request body may go without a byte arriving (0: no limit). */
  readonly bodyTimeout: number;
  /** Milliseconds to keep reading after the final response before closing (lingering close). */
  readonly lingerTime: number;
  /** Encoded heads of repeated responses, shared by the service's connections (optional). */
  readonly heads?: HeadCache;
  /**
   * The first bytes of each request body kept for the observer's record of the exchange
   * (`requestDetail`'s `body`); 0 or absent: none.
   */
  readonly bodySampleBytes?: number;
}
