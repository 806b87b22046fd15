/**
 * `ClientResponse`: a response as the client returns it — status, fields, and the body read
 * from the connection on demand.
 */
import type { HttpVersion } from '../codec/body-framing.js';
import { HttpHeaders } from '../codec/http-headers.js';
import type { ClientConnection } from './client-connection.js';

/**
 * The response could not be parsed or its body read to its end; the connection was closed.
 *
 * @example
 * await response.text().catch((err) => { if (err instanceof HttpClientError) retry(); });
 */
export class HttpClientError extends Error {
  /**
   * @param message What went wrong.
   * @param options The underlying error as `cause`.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpClientError';
  }
}

/** What a response does with its connection once the body ends. */
export type ConnectionRelease = (conn: ClientConnection, reusable: boolean) => void;

/**
 * A response. Read the body once: iterate it, or call {@link buffer}, {@link text} or
 * {@link json}; or {@link discard} it. The connection returns to its agent's pool when the body
 * has been read to the end and the exchange allows keep-alive.
 *
 * @example
 * const response = await request('http://127.0.0.1:10080/');
 * if (response.status === 200) console.log(await response.text());
 */
export class ClientResponse implements AsyncIterable<Buffer> {
  readonly status: number;
  readonly reason: string;
  readonly version: HttpVersion;
  readonly headers: HttpHeaders;
  /** The URL this response is for (after redirects). */
  readonly url: string;
  /** How many redirects were followed to get here. */
  readonly redirects: number;
  #trailers: HttpHeaders = new HttpHeaders();
  #conn: ClientConnection | null;
  readonly #keepAlive: boolean;
  readonly #release: ConnectionRelease;
  #ended = false;

  /**
   * @param init The head's facts.
   * @param conn The connection the body comes from.
   * @param release Called once the body ends (or fails).
   */
  constructor(
    init: {
      status: number;
      reason: string;
      version: HttpVersion;
      headers: HttpHeaders;
      url: string;
      redirects: number;
      keepAlive: boolean;
    },
    conn: ClientConnection,
    release: ConnectionRelease,
  ) {
    this.status = init.status;
    this.reason = init.reason;
    this.version = init.version;
    this.headers = init.headers;
    this.url = init.url;
    this.redirects = init.redirects;
    this.#keepAlive = init.keepAlive;
    this.#conn = conn;
    this.#release = release;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The trailer fields of a chunked body (empty until the body is read). */
  get trailers(): HttpHeaders {
    return this.#trailers;
  }

  /**
   * Reads the next body chunk.
   *
   * @returns The chunk, or `null` at the end.
   * @throws {HttpClientError} When the body cannot be read to its end.
   */
  async read(): Promise<Buffer | null> {
    const conn = this.#conn;
    if (this.#ended || conn === null) return null;
    let event: Awaited<ReturnType<ClientConnection['nextEvent']>>;
    try {
      event = await conn.nextEvent();
    } catch (err) {
      this.#finish(false);
      throw new HttpClientError(`reading the body failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (event.type === 'data') return event.data;
    if (event.type === 'end') {
      this.#trailers = event.trailers;
      this.#finish(this.#keepAlive);
      return null;
    }
    this.#finish(false);
    throw new HttpClientError(
      event.type === 'error' ? `bad response body: ${event.reason}` : `unexpected ${event.type}`,
    );
  }

  /**
   * Iterates the body's chunks.
   *
   * @returns An async iterator.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  /** The body as an async iterable (the response itself). */
  get body(): AsyncIterable<Buffer> {
    return this;
  }

  /**
   * Collects the body.
   *
   * @param limit The most bytes accepted (default 64 MiB).
   * @returns The bytes.
   * @throws {HttpClientError} When the body is longer than `limit` or cannot be read.
   * @example const png = await response.buffer();
   */
  async buffer(limit = 64 * 1024 * 1024): Promise<Buffer> {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) break;
      total += chunk.length;
      if (total > limit) {
        this.#finish(false);
        throw new HttpClientError(`response body longer than ${limit} bytes`);
      }
      parts.push(chunk);
    }
    return Buffer.concat(parts, total);
  }

  /**
   * Collects the body as UTF-8 text.
   *
   * @param limit The most bytes accepted.
   * @returns The text.
   * @throws {HttpClientError} As {@link buffer}.
   */
  async text(limit?: number): Promise<string> {
    return (await this.buffer(limit)).toString('utf8');
  }

  /**
   * Collects the body and parses it as JSON.
   *
   * @param limit The most bytes accepted.
   * @returns The parsed value.
   * @throws {SyntaxError} When the body is not JSON; {HttpClientError} as {@link buffer}.
   */
  async json<T = unknown>(limit?: number): Promise<T> {
    return JSON.parse(await this.text(limit)) as T;
  }

  /**
   * Drops the body: a short remainder is read so the connection can be reused, a long one
   * closes the connection.
   *
   * @param maxBytes Read at most this much before giving up on reuse (default 64 KiB).
   */
  async discard(maxBytes = 64 * 1024): Promise<void> {
    let seen = 0;
    try {
      for (;;) {
        const chunk = await this.read();
        if (chunk === null) return;
        seen += chunk.length;
        if (seen > maxBytes) break;
      }
    } catch {
      return;
    }
    this.#finish(false);
  }

  #finish(reusable: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    const conn = this.#conn;
    this.#conn = null;
    if (conn !== null) this.#release(conn, reusable);
  }
}
