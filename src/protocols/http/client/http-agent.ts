/**
 * `HttpAgent`: keeps idle client connections per origin for reuse (keep-alive), as Node's
 * `http.Agent` or undici's `Pool` do, on polyport sockets.
 */
import {
  CERT_NONE,
  createConnection,
  createDefaultContext,
  PROTOCOL_TLS_CLIENT,
  type Socket,
  SSLContext,
} from '../../../socket/index.js';
import type { ResponseParserOptions } from '../codec/response-parser.js';
import { ClientConnection } from './client-connection.js';

/** Options for {@link HttpAgent}. */
export interface HttpAgentOptions {
  /** Idle connections kept per origin (default 8). */
  readonly maxIdlePerOrigin?: number;
  /** Seconds an idle connection is kept before it is closed (default 15). */
  readonly idleTimeout?: number;
}

/** Where to connect and how. */
export interface ConnectTarget {
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly port: number;
  /** Seconds for the connection and each read and write; `null`: wait forever. */
  readonly timeout: number | null;
  /** The TLS client context (https); default: Node's trusted roots, host names checked. */
  readonly tls?: SSLContext;
  /** Skip certificate verification (self-signed test servers). */
  readonly insecure?: boolean;
  readonly parser?: ResponseParserOptions;
}

let defaultContext: SSLContext | null = null;
let insecureContext: SSLContext | null = null;
const contextIds = new WeakMap<SSLContext, number>();
let nextContextId = 1;

function contextFor(target: ConnectTarget): SSLContext {
  if (target.tls !== undefined) return target.tls;
  if (target.insecure === true) {
    if (insecureContext === null) {
      insecureContext = new SSLContext(PROTOCOL_TLS_CLIENT);
      insecureContext.checkHostname = false;
      insecureContext.verifyMode = CERT_NONE;
    }
    return insecureContext;
  }
  defaultContext ??= createDefaultContext();
  return defaultContext;
}

/**
 * A pool of idle connections keyed by origin and TLS settings. A connection goes back to the
 * pool only after its response was read to the end and both sides allowed keep-alive.
 *
 * @example
 * const agent = new HttpAgent({ maxIdlePerOrigin: 4 });
 * await request({ url: 'http://127.0.0.1:8080/', agent });
 * agent.close();
 */
export class HttpAgent {
  readonly #maxIdle: number;
  readonly #idleMs: number;
  readonly #idle = new Map<string, ClientConnection[]>();
  readonly #timers = new Map<ClientConnection, NodeJS.Timeout>();

  /**
   * @param options Pool sizes and idle time.
   * @throws {RangeError} For a negative size or time.
   */
  constructor(options: HttpAgentOptions = {}) {
    const maxIdle = options.maxIdlePerOrigin ?? 8;
    const idle = options.idleTimeout ?? 15;
    if (!Number.isInteger(maxIdle) || maxIdle < 0) {
      throw new RangeError(`maxIdlePerOrigin must be a non-negative integer, got ${maxIdle}`);
    }
    if (!(idle >= 0)) throw new RangeError(`idleTimeout must be non-negative, got ${idle}`);
    this.#maxIdle = maxIdle;
    this.#idleMs = idle * 1000;
  }

  /** Idle connections held now, over all origins. */
  get idleCount(): number {
    let count = 0;
    for (const list of this.#idle.values()) count += list.length;
    return count;
  }

  /**
   * The pool key of a target.
   *
   * @param target Where to connect.
   * @returns The key.
   */
  keyOf(target: ConnectTarget): string {
    let key = `${target.protocol}//${target.host}:${target.port}`;
    if (target.protocol === 'https:') {
      const context = contextFor(target);
      let id = contextIds.get(context);
      if (id === undefined) {
        id = nextContextId++;
        contextIds.set(context, id);
      }
      key += `#${id}`;
    }
    return key;
  }

  /**
   * An idle connection to the target, or a new one.
   *
   * @param target Where to connect.
   * @param fresh Skip the pool (a retry after a stale connection).
   * @returns The connection.
   * @throws {SocketError} When connecting fails; {SSLError} when the TLS handshake does.
   */
  async acquire(target: ConnectTarget, fresh = false): Promise<ClientConnection> {
    const key = this.keyOf(target);
    const list = this.#idle.get(key);
    while (!fresh && list !== undefined && list.length > 0) {
      const conn = list.pop()!;
      clearTimeout(this.#timers.get(conn));
      this.#timers.delete(conn);
      if (conn.stillUsable()) {
        conn.socket.settimeout(target.timeout);
        return conn;
      }
      conn.close();
    }
    let sock: Socket = await createConnection([target.host, target.port], target.timeout);
    if (target.protocol === 'https:') {
      try {
        sock = await contextFor(target).wrapSocket(sock, { serverHostname: target.host });
      } catch (err) {
        sock.close();
        throw err;
      }
      sock.settimeout(target.timeout);
    }
    return new ClientConnection(key, sock, target.parser);
  }

  /**
   * Returns a connection whose exchange is complete; it is kept if there is room, else closed.
   *
   * @param conn The connection.
   */
  release(conn: ClientConnection): void {
    conn.uses++;
    conn.received = false;
    const list = this.#idle.get(conn.key) ?? [];
    if (conn.closed || list.length >= this.#maxIdle || this.#idleMs === 0) {
      conn.close();
      return;
    }
    list.push(conn);
    this.#idle.set(conn.key, list);
    const timer = setTimeout(() => {
      this.#timers.delete(conn);
      const at = list.indexOf(conn);
      if (at !== -1) list.splice(at, 1);
      conn.close();
    }, this.#idleMs);
    timer.unref();
    this.#timers.set(conn, timer);
  }

  /** Closes every idle connection. */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const list of this.#idle.values()) for (const conn of list.splice(0)) conn.close();
    this.#idle.clear();
  }
}

/**
 * The agent `request()` uses when given none.
 *
 * @example process.on('beforeExit', () => globalAgent.close());
 */
export const globalAgent = new HttpAgent();
