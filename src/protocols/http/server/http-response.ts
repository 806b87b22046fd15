/**
 * `HttpResponse`: the writer a server handler answers with — status, header fields, and a body
 * from a buffer, an async iterable or a dispatch `Producer`, framed by the server.
 */
import type { Producer } from '../../../dispatch/index.js';
import type { BodyKind } from '../codec/body-framing.js';
import { encodeChunk, encodeLastChunk } from '../codec/chunked-encoder.js';
import { isFieldValue, isToken } from '../codec/field-syntax.js';
import { framedResponseHead, lengthFramed } from '../codec/framed-head.js';
import type { PreparedFields } from '../codec/prepared-fields.js';
import { FramingProducer } from './framing-producer.js';
import type { HeadCache } from './head-cache.js';
import type { HttpRequest } from './http-request.js';
import { iterableProducer } from './iterable-producer.js';

/** What a response writes into: the connection. */
export interface ResponseSink {
  /** The `Date` and `Server` lines, each ending in CRLF (cached per second). */
  commonHeaders(): string;
  /**
   * Queues bytes for the client. `owned`: the bytes were made for this write and nothing else
   * holds them, so the connection may hand them to the socket without a copy.
   */
  write(response: HttpResponse, bytes: Uint8Array, owned?: boolean): void;
  /**
   * Queues a producer; it is pulled when the socket has room. `size`: the bytes it will
   * produce, when known (a file's length), so the connection counts them as queued output
   * before they are read.
   */
  produce(response: HttpResponse, producer: Producer, size?: number): void;
  /** Every byte of the response is queued. */
  finish(response: HttpResponse): void;
  /** The last body byte was produced (for the access log), `bytes` body bytes in all. */
  sent(response: HttpResponse, bytes: number): void;
  /** Encoded heads of repeated responses, shared by the service's connections (optional). */
  readonly heads?: HeadCache | undefined;
}

const EMPTY = Buffer.alloc(0);
/** The last field name and value {@link HttpResponse.appendHeader} found valid. */
let lastName = 'Content-Type';
let lastValue = '';

/**
 * The answer to one request. Set `status` and fields, then finish with exactly one of
 * {@link send}, {@link stream}, {@link produce}, or {@link write}…{@link end}. The server adds
 * `Date`, `Server`, the framing (`Content-Length` when the length is known, chunked when it is
 * not) and `Connection`; for HEAD, 204 and 304 it sends the head only, whatever the handler gives.
 *
 * @example
 * response.status = 200;
 * response.setHeader('Content-Type', 'text/plain; charset=utf-8');
 * response.send('hello\n');
 */
export class HttpResponse {
  /** The status code (200 unless set). */
  status = 200;
  /** The reason phrase; default: the standard one. */
  reason: string | undefined = undefined;
  readonly request: HttpRequest;
  readonly #sink: ResponseSink;
  #fields: string[] = [];
  #headSent = false;
  #finished = false;
  #kind: BodyKind = 'none';
  #keepAlive: boolean;
  #declared: number | null = null;
  #bodyBytes = 0;
  /** Prepared field lines sent after the fields set one by one. */
  #prepared = '';
  #untilClientCloses = false;

  /**
   * @param request The request answered.
   * @param sink The connection.
   */
  constructor(request: HttpRequest, sink: ResponseSink) {
    this.request = request;
    this.#sink = sink;
    this.#keepAlive = request.keepAlive;
  }

  /** Whether the head has been written. */
  get headersSent(): boolean {
    return this.#headSent;
  }

  /** Whether the whole response is queued. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Whether the connection stays open after this response (final once the head is sent). */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** Body bytes queued so far. */
  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  /**
   * Sets a header field, replacing any of the same name.
   *
   * @param name The field name (a token).
   * @param value The value (no CR, LF or other controls).
   * @returns This response.
   * @throws {TypeError} For a bad name or value.
   * @throws {Error} When the head was already sent.
   * @example response.setHeader('Cache-Control', 'no-store');
   */
  setHeader(name: string, value: string | number): this {
    // Most handlers set each field once: skip the rebuild removeHeader() would do for nothing.
    if (this.#fields.length > 0) this.removeHeader(name);
    return this.appendHeader(name, value);
  }

  /**
   * Adds a header field line, keeping others of the same name (`Set-Cookie`).
   *
   * @param name The field name (a token).
   * @param value The value.
   * @returns This response.
   * @throws {TypeError} For a bad name or value.
   * @throws {Error} When the head was already sent.
   * @example response.appendHeader('Set-Cookie', 'a=1');
   */
  appendHeader(name: string, value: string | number): this {
    this.#checkOpen();
    const text = typeof value === 'number' ? String(value) : value;
    // Strings are immutable: one equal to the last that passed passes again, so a handler
    // setting the same field for every request pays a comparison, not a scan (usually the
    // same string object, so not even that).
    if (name !== lastName) {
      if (!isToken(name)) throw new TypeError(`invalid field name ${JSON.stringify(name)}`);
      lastName = name;
    }
    if (text !== lastValue) {
      if (!isFieldValue(text))
        throw new TypeError(`invalid value for ${name}: ${JSON.stringify(text)}`);
      lastValue = text;
    }
    this.#fields.push(name, text);
    return this;
  }

  /**
   * Reads a header field set so far.
   *
   * @param name The field name, any case.
   * @returns The values joined with `, `, or `undefined`.
   */
  getHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    let found: string | undefined;
    for (let i = 0; i < this.#fields.length; i += 2) {
      const field = this.#fields[i]!;
      if (field.length === lower.length && field.toLowerCase() === lower) {
        found = found === undefined ? this.#fields[i + 1] : `${found}, ${this.#fields[i + 1]}`;
      }
    }
    return found;
  }

  /**
   * Removes every line of a header field.
   *
   * @param name The field name, any case.
   * @returns This response.
   */
  removeHeader(name: string): this {
    const lower = name.toLowerCase();
    const fields = this.#fields;
    let kept: string[] | null = null;
    for (let i = 0; i < fields.length; i += 2) {
      const field = fields[i]!;
      // Names of another length cannot match: no lower-casing for them.
      if (field.length === lower.length && field.toLowerCase() === lower) {
        kept ??= fields.slice(0, i);
      } else kept?.push(field, fields[i + 1]!);
    }
    if (kept !== null) this.#fields = kept;
    return this;
  }

  /**
   * Sends the whole response with a body known in advance (a string is sent as UTF-8 and, when
   * no Content-Type is set, labelled `text/plain; charset=utf-8`).
   *
   * @param body The body (default: none).
   * @throws {Error} When the response was already started.
   * @example response.send(JSON.stringify(data));
   */
  send(body: Uint8Array | string = EMPTY): void {
    this.#checkOpen();
    let bytes: Uint8Array;
    if (typeof body === 'string') {
      if (this.getHeader('content-type') === undefined) {
        this.#fields.push('Content-Type', 'text/plain; charset=utf-8');
      }
      bytes = Buffer.from(body, 'utf8');
    } else bytes = body;
    const heads = this.#sink.heads;
    let out: Buffer;
    let withBody: number;
    if (
      heads !== undefined &&
      this.reason === undefined &&
      lengthFramed(this.request, this.status, this.#keepAlive, bytes.length)
    ) {
      // A hit is the memo's own entry and bytes: no object or text is made for the head.
      const head = heads.head(
        this.status,
        this.#sink.commonHeaders(),
        this.#fields,
        this.#prepared,
        bytes.length,
      );
      this.#kind = head.kind;
      this.#keepAlive = head.keepAlive;
      this.#declared = head.declared;
      this.#headSent = true;
      withBody = bytes.length;
      out = Buffer.allocUnsafe(head.bytes.length + withBody);
      out.set(head.bytes, 0);
      if (withBody > 0) out.set(bytes, head.bytes.length);
    } else {
      const head = this.#head(bytes.length, this.#sink.commonHeaders());
      withBody = this.#kind === 'length' ? bytes.length : 0;
      out = Buffer.allocUnsafe(head.length + withBody);
      out.write(head, 0, 'latin1');
      if (withBody > 0) out.set(bytes, head.length);
    }
    this.#bodyBytes = withBody;
    this.#sink.write(this, out, true);
    this.#done(withBody);
  }

  /**
   * Sends the whole response with prepared field lines and a body known in advance: the same
   * as setting each field with {@link setHeader} and calling {@link send}, but on a response
   * with no fields set yet the lines go out as they are, unchecked and uncopied.
   *
   * @param fields Field lines made (and checked) once.
   * @param body The body.
   * @throws {Error} When the response was already started.
   * @example response.sendPrepared(new PreparedFields([['Content-Type', 'text/plain']]), bytes);
   */
  sendPrepared(fields: PreparedFields, body: Uint8Array): void {
    this.#checkOpen();
    if (this.#fields.length === 0) this.#prepared = fields.text;
    else for (const [name, value] of fields.pairs) this.setHeader(name, value);
    this.send(body);
  }

  /**
   * Sends a body produced by a dispatch `Producer` (a `FileProducer`, say), pulled only as fast as
   * the client reads. With `length` the body must have exactly that many bytes; without, it is
   * chunked (or, for HTTP/1.0, ends with the connection).
   *
   * @param producer The body's source; closed unread for HEAD, 204 and 304.
   * @param length The body length when known.
   * @throws {Error} When the response was already started.
   * @throws {RangeError} For a negative or non-integer length.
   * @example response.produce(new FileProducer(path, { end: size }), size);
   */
  produce(producer: Producer, length: number | null = null): void {
    this.#checkOpen();
    this.#sink.write(
      this,
      Buffer.from(this.#head(length, this.#sink.commonHeaders()), 'latin1'),
      true,
    );
    if (this.#kind === 'none') {
      producer.close?.();
      this.#done(0);
      return;
    }
    this.#sink.produce(
      this,
      new FramingProducer(producer, this.#kind, length, (bytes) => this.#sink.sent(this, bytes)),
      length ?? undefined,
    );
    this.#finish();
  }

  /**
   * Sends a body from an async iterable (a Node `Readable`, an async generator), pulled only as
   * fast as the client reads.
   *
   * @param source The chunks.
   * @param length The body length when known.
   * @returns A promise that settles once the source is exhausted (or rejects with its error).
   * @throws {Error} When the response was already started.
   * @example await response.stream(createReadStream(path));
   */
  stream(source: AsyncIterable<Uint8Array | string>, length: number | null = null): Promise<void> {
    const { producer, done } = iterableProducer(source);
    this.produce(producer, length);
    return done;
  }

  /**
   * Writes part of the body; the first call sends the head, chunked unless a Content-Length
   * field was set.
   *
   * @param chunk Body bytes (a string as UTF-8).
   * @throws {Error} After {@link end} or another finishing call.
   * @throws {RangeError} When more bytes are written than a set Content-Length allows.
   * @example response.write('part 1\n'); response.write('part 2\n'); response.end();
   */
  write(chunk: Uint8Array | string): void {
    if (this.#finished) throw new Error('the response is finished');
    if (!this.#headSent) {
      const declared = this.getHeader('content-length');
      const length =
        declared !== undefined && /^\d{1,15}$/.test(declared) ? Number(declared) : null;
      this.#sink.write(
        this,
        Buffer.from(this.#head(length, this.#sink.commonHeaders()), 'latin1'),
        true,
      );
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes.length === 0 || this.#kind === 'none') return;
    if (this.#declared !== null && this.#bodyBytes + bytes.length > this.#declared) {
      throw new RangeError(`body longer than the declared Content-Length ${this.#declared}`);
    }
    this.#bodyBytes += bytes.length;
    if (this.#kind === 'chunked') this.#sink.write(this, encodeChunk(bytes), true);
    else this.#sink.write(this, bytes);
  }

  /**
   * Finishes the response: sends `chunk` if given, then ends the body. Without a prior
   * {@link write} it behaves as {@link send}.
   *
   * @param chunk The last body bytes.
   * @example response.end('bye\n');
   */
  end(chunk?: Uint8Array | string): void {
    if (this.#finished) return;
    if (!this.#headSent) {
      this.send(chunk);
      return;
    }
    if (chunk !== undefined) this.write(chunk);
    if (this.#kind === 'chunked') this.#sink.write(this, encodeLastChunk(), true);
    // A body shorter than its Content-Length cannot be framed: only closing ends it.
    if (this.#declared !== null && this.#bodyBytes < this.#declared) this.#keepAlive = false;
    this.#done(this.#bodyBytes);
  }

  /**
   * Marks a body that lasts until the client goes (Server-Sent Events, a log tail): the
   * client ending its side of the connection then ends the body and the connection, where it
   * is otherwise taken for a half-close that still reads the rest of the answer.
   *
   * @returns This response.
   * @throws {Error} When the head was already sent.
   * @example await response.untilClientCloses().stream(events);
   */
  untilClientCloses(): this {
    this.#checkOpen();
    this.#untilClientCloses = true;
    return this;
  }

  /** Whether {@link untilClientCloses} was called. */
  get endsWithClient(): boolean {
    return this.#untilClientCloses;
  }

  /** Marks the connection to close after this response (before the head is sent). */
  closeConnection(): void {
    if (!this.#headSent) this.#keepAlive = false;
  }

  /** @internal The body producer ran short: the connection cannot carry another message. */
  breakConnection(): void {
    this.#keepAlive = false;
  }

  #checkOpen(): void {
    if (this.#headSent) throw new Error('the response was already started');
  }

  #done(bytes: number): void {
    this.#finish();
    this.#sink.sent(this, bytes);
  }

  #finish(): void {
    this.#finished = true;
    this.#sink.finish(this);
  }

  #head(length: number | null, common: string): string {
    const head = framedResponseHead(
      this.request,
      this.status,
      this.reason,
      common,
      this.#fields,
      this.#prepared,
      this.#keepAlive,
      length,
    );
    this.#kind = head.kind;
    this.#keepAlive = head.keepAlive;
    this.#declared = head.declared;
    this.#headSent = true;
    return head.text;
  }
}
