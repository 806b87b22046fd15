/**
 * `request()`: the HTTP/1.1 client — keep-alive through an agent's pool, Content-Length and
 * chunked bodies both ways, bounded redirects, timeouts and HTTPS, on polyport sockets.
 */
import type { SSLContext } from '../../../socket/index.js';
import { FileSource } from '../../common/file-source.js';
import { sendFile } from '../../common/send-file.js';
import { encodeChunk, encodeLastChunk } from '../codec/chunked-encoder.js';
import { encodeRequestHead, type HeaderInput } from '../codec/encode-head.js';
import type { ResponseParserOptions } from '../codec/response-parser.js';
import type { ClientConnection } from './client-connection.js';
import { ClientResponse, HttpClientError } from './client-response.js';
import { FileBody } from './file-body.js';
import { type ConnectTarget, globalAgent, type HttpAgent } from './http-agent.js';

/**
 * A request body: bytes or a file (sent with Content-Length), or a stream (sent chunked unless
 * the caller gives a Content-Length).
 */
export type ClientBody = Uint8Array | string | FileBody | AsyncIterable<Uint8Array | string>;

/** Options for {@link request}. */
export interface HttpRequestOptions {
  readonly url: string | URL;
  /** Default `'GET'`. */
  readonly method?: string;
  /** Extra fields; `Host` and framing fields are written by the client. */
  readonly headers?: HeaderInput | Readonly<Record<string, string>>;
  readonly body?: ClientBody;
  /** The connection pool (default: the module's {@link globalAgent}). */
  readonly agent?: HttpAgent;
  /** Seconds for connecting and for each read and write (default 30; `null`: none). */
  readonly timeout?: number | null;
  /** Redirects followed before the 3xx is returned as it is (default 0). */
  readonly maxRedirects?: number;
  /** The TLS client context for https (default: trusted roots, host names checked). */
  readonly tls?: SSLContext;
  /** Do not verify the server's certificate (self-signed test servers only). */
  readonly insecure?: boolean;
  /** Limits for parsing the response. */
  readonly parser?: ResponseParserOptions;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const CONTROLLED = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/**
 * Sends one request and returns the response once its head has arrived; the body is read from
 * the response. A pooled connection that turns out to have been closed by the server is
 * replaced once, transparently, when the request can be sent again.
 *
 * @param input A URL, or the full options.
 * @returns The response.
 * @throws {TypeError} For a URL that is not http or https, or a bad method or field.
 * @throws {SocketError} When the server cannot be reached or a timeout passes.
 * @throws {HttpClientError} When the response cannot be parsed.
 * @example
 * const response = await request({ url: 'http://127.0.0.1:8080/upload.txt', method: 'PUT', body: 'hi' }); // a server with uploadFiles
 * console.log(response.status, await response.text());
 */
export async function request(input: string | URL | HttpRequestOptions): Promise<ClientResponse> {
  const options: HttpRequestOptions =
    typeof input === 'string' || input instanceof URL ? { url: input } : input;
  let url = new URL(options.url);
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  let headers = normalizeHeaders(options.headers);
  const maxRedirects = options.maxRedirects ?? 0;
  for (let redirects = 0; ; redirects++) {
    const response = await exchange(url, method, headers, body, options, redirects);
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === undefined || redirects >= maxRedirects) {
      return response;
    }
    const next = new URL(location, url);
    const toGet =
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST');
    if (!toGet && body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return response; // a stream cannot be sent twice
    }
    await response.discard();
    if (toGet) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
    }
    if (next.origin !== url.origin) {
      headers = headers.filter(
        ([name]) => !['authorization', 'cookie'].includes(name.toLowerCase()),
      );
    }
    url = next;
  }
}

function normalizeHeaders(
  input: HeaderInput | Readonly<Record<string, string>> | undefined,
): Array<[string, string]> {
  if (input === undefined) return [];
  if (Symbol.iterator in input) {
    return [...(input as HeaderInput)].map(([n, v]) => [n, v] as [string, string]);
  }
  return Object.entries(input as Record<string, string>);
}

async function exchange(
  url: URL,
  method: string,
  extra: Array<[string, string]>,
  body: ClientBody | undefined,
  options: HttpRequestOptions,
  redirects: number,
): Promise<ClientResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`only http and https URLs are supported, got ${url.protocol}`);
  }
  const target: ConnectTarget = {
    protocol: url.protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    timeout: options.timeout === undefined ? 30 : options.timeout,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.insecure ? { insecure: true } : {}),
    ...(options.parser ? { parser: options.parser } : {}),
  };
  const fields: Array<[string, string]> = [['Host', url.host]];
  let hasUserAgent = false;
  let declaredLength: string | undefined;
  for (const [name, value] of extra) {
    const lower = name.toLowerCase();
    if (lower === 'user-agent') hasUserAgent = true;
    if (lower === 'content-length') declaredLength = value;
    if (!CONTROLLED.has(lower)) fields.push([name, value]);
  }
  if (!hasUserAgent) fields.push(['User-Agent', 'polyport']);
  let fixed: Buffer | null = null;
  if (body === undefined) {
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && method !== 'DELETE') {
      fields.push(['Content-Length', '0']);
    }
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    fixed = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    fields.push(['Content-Length', String(fixed.length)]);
  } else if (body instanceof FileBody) {
    fields.push(['Content-Length', String(body.size)]);
  } else if (declaredLength !== undefined) {
    fields.push(['Content-Length', declaredLength]);
  } else {
    fields.push(['Transfer-Encoding', 'chunked']);
  }
  const head = encodeRequestHead({ method, target: url.pathname + url.search, headers: fields });
  const agent = options.agent ?? globalAgent;
  const replayable = body === undefined || fixed !== null || body instanceof FileBody;
  let conn = await agent.acquire(target);
  for (let attempt = 0; ; attempt++) {
    const reused = conn.uses > 0;
    try {
      conn.parser.requestSent(method);
      await send(conn, head, fixed, body, declaredLength === undefined);
      const response = await readHead(conn, url, redirects, agent);
      return response;
    } catch (err) {
      conn.close();
      // The server may close an idle connection just as we reuse it: try once on a fresh one.
      const retry =
        attempt === 0 && reused && !conn.received && replayable && IDEMPOTENT.has(method);
      if (!retry) throw err;
      conn = await agent.acquire(target, true);
    }
  }
}

async function send(
  conn: ClientConnection,
  head: Buffer,
  fixed: Buffer | null,
  body: ClientBody | undefined,
  chunked: boolean,
): Promise<void> {
  if (fixed !== null) {
    await conn.send(fixed.length <= 64 * 1024 ? Buffer.concat([head, fixed]) : head);
    if (fixed.length > 64 * 1024) await conn.send(fixed);
    return;
  }
  await conn.send(head);
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return;
  if (body instanceof FileBody) {
    await sendFileBody(conn, body);
    return;
  }
  for await (const part of body) {
    if (part.length === 0) continue;
    // Text is encoded, and a chunk framed, into fresh memory nobody else holds: it goes uncopied.
    const fresh = typeof part === 'string' || chunked;
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    await conn.send(chunked ? encodeChunk(bytes) : bytes, fresh);
  }
  if (chunked) await conn.send(encodeLastChunk());
}

/** Sends a file body; one that changed size since its Content-Length was taken fails. */
async function sendFileBody(conn: ClientConnection, body: FileBody): Promise<void> {
  const source = new FileSource(body.path);
  try {
    const sent = await sendFile(conn.socket, source);
    if (sent !== body.size) {
      throw new HttpClientError(
        `${body.path} changed size while it was sent: ${sent} of ${body.size} bytes`,
      );
    }
  } finally {
    source.close();
  }
}

async function readHead(
  conn: ClientConnection,
  url: URL,
  redirects: number,
  agent: HttpAgent,
): Promise<ClientResponse> {
  for (;;) {
    const event = await conn.nextEvent();
    if (event.type === 'informational') continue;
    if (event.type === 'response') {
      const response = new ClientResponse(
        {
          status: event.status,
          reason: event.reason,
          version: event.version,
          headers: event.headers,
          url: url.href,
          redirects,
          keepAlive: event.keepAlive,
        },
        conn,
        (c, reusable) => (reusable ? agent.release(c) : c.close()),
      );
      // A response without a body (HEAD, 204, 304, Content-Length: 0) is complete with its
      // head: reading its end now (the parser has it, no I/O waits) returns the connection to
      // the pool at once instead of when, if ever, the caller reads the empty body.
      if (event.bodyKind === 'none') await response.read();
      return response;
    }
    if (event.type === 'error') throw new HttpClientError(`bad response: ${event.reason}`);
    throw new HttpClientError(`unexpected ${event.type} before the response head`);
  }
}
