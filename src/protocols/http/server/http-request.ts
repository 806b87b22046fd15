/**
 * `HttpRequest`: what a server handler is given about one request.
 */
import type { HttpVersion } from '../codec/body-framing.js';
import type { HttpHeaders } from '../codec/http-headers.js';
import type { RequestEvent, TargetForm } from '../codec/request-parser.js';
import type { RequestBody } from './request-body.js';

/** Where a request came from, as the connection knows it. */
export interface RequestOrigin {
  /** The client's address (`127.0.0.1`, `::1`). */
  readonly remoteAddress: string;
  /** The client's port (0 when unknown). */
  readonly remotePort: number;
  /** Whether the request came over TLS. */
  readonly secure: boolean;
}

/**
 * Where a connection's requests come from: the transport's peer address (`[host, port]`; anything
 * else is a Unix socket's, `unix` and port 0) and whether it is TLS.
 *
 * @param peerAddress The transport's `peerAddress`.
 * @param secure Whether the connection is TLS.
 * @returns The origin every request of the connection shares.
 * @example
 * requestOrigin(['127.0.0.1', 5000], false); // { remoteAddress: '127.0.0.1', remotePort: 5000, secure: false }
 */
export function requestOrigin(peerAddress: unknown, secure: boolean): RequestOrigin {
  return {
    remoteAddress: Array.isArray(peerAddress) ? String(peerAddress[0]) : 'unix',
    remotePort: Array.isArray(peerAddress) ? Number(peerAddress[1]) : 0,
    secure,
  };
}

const SCHEME_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * One request: the parsed head, the body as a stream, and where it came from. `path` and `query`
 * are the request-target's parts, still percent-encoded (decode with `targetToSafePath` before
 * touching a file system).
 *
 * @example
 * const handler: HttpHandler = {
 *   match: (request) => request.path === '/hello',
 *   handle: (request, response) => response.send(`hello ${request.remoteAddress}\n`),
 * };
 */
export class HttpRequest {
  readonly method: string;
  /** The request-target exactly as sent. */
  readonly target: string;
  readonly targetForm: TargetForm;
  readonly version: HttpVersion;
  readonly headers: HttpHeaders;
  /** The authority: from the target in absolute form, else the Host field. */
  readonly authority: string;
  /** Whether the client allows the connection to stay open after this exchange. */
  readonly keepAlive: boolean;
  /** Whether the client waits for `100 Continue` before sending the body. */
  readonly expectContinue: boolean;
  /** The body; empty and complete for requests without one. */
  readonly body: RequestBody;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
  /** When the head was complete, in the server clock's milliseconds. */
  readonly receivedAt: number;
  /** The authenticated user, set by an authentication handler (for the access log). */
  user: string | undefined;
  #path: string | null = null;
  #query = '';

  /**
   * @param head The parser's request event.
   * @param body The body stream.
   * @param origin The client's address and transport.
   * @param receivedAt The clock time the head was complete.
   */
  constructor(head: RequestEvent, body: RequestBody, origin: RequestOrigin, receivedAt: number) {
    this.method = head.method;
    this.target = head.target;
    this.targetForm = head.targetForm;
    this.version = head.version;
    this.headers = head.headers;
    this.authority = head.authority;
    this.keepAlive = head.keepAlive;
    this.expectContinue = head.expectContinue;
    this.body = body;
    this.remoteAddress = origin.remoteAddress;
    this.remotePort = origin.remotePort;
    this.secure = origin.secure;
    this.receivedAt = receivedAt;
    this.user = undefined;
  }

  /** The path of the target, percent-encoded, without the query (`'*'` for `OPTIONS *`). */
  get path(): string {
    if (this.#path === null) this.#split();
    return this.#path as string;
  }

  /** The query without `?`, percent-encoded; `''` when there is none. */
  get query(): string {
    if (this.#path === null) this.#split();
    return this.#query;
  }

  /** The host name the request is for, lower-cased, without port or IPv6 brackets. */
  get hostname(): string {
    const authority = this.authority.toLowerCase();
    if (authority.startsWith('[')) {
      const close = authority.indexOf(']');
      return close === -1 ? authority : authority.slice(1, close);
    }
    const colon = authority.lastIndexOf(':');
    return colon === -1 ? authority : authority.slice(0, colon);
  }

  /** The request line as received, for logs: `GET /index.html HTTP/1.1`. */
  get requestLine(): string {
    return `${this.method} ${this.target} HTTP/${this.version}`;
  }

  #split(): void {
    let rest = this.target;
    if (this.targetForm === 'absolute') {
      const prefix = SCHEME_AUTHORITY.exec(rest);
      rest = rest.slice(prefix === null ? 0 : prefix[0].length) || '/';
    } else if (this.targetForm === 'authority') {
      this.#path = '';
      return;
    }
    const hash = rest.indexOf('#');
    if (hash !== -1) rest = rest.slice(0, hash);
    const q = rest.indexOf('?');
    this.#path = q === -1 ? rest : rest.slice(0, q);
    this.#query = q === -1 ? '' : rest.slice(q + 1);
  }
}
