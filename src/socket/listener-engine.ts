/**
 * The listening side of a stream socket: Node's `net.Server` underneath, an accept queue on top.
 */
import type { Socket as NetSocket, Server } from 'node:net';
import type { SocketAddress } from './address.js';
import { toAddressTuple } from './address.js';
import { AF_UNIX } from './constants.js';
import type { SocketError, SocketErrorContext } from './errors.js';
import { toSocketError } from './errors.js';
import { READY_ERROR, READY_READ } from './readiness.js';

/**
 * Connections Node has accepted, waiting for `accept()`. Node accepts eagerly; the queue plays
 * the kernel's backlog: beyond `backlog` waiting connections, new ones are reset at once, and
 * a queued connection reads nothing until it is accepted (`pauseOnConnect`).
 */
export class ListenerEngine {
  readonly server: Server;
  readonly queue: NetSocket[] = [];
  /** Python's `listen()` was called; until then connections wait but `accept()` refuses. */
  listening = false;
  backlog = 128;
  error: SocketError | null = null;
  closed = false;
  readonly #family: number;
  readonly #notify: () => void;
  readonly #context: () => SocketErrorContext;

  /**
   * @param server a bound, listening `net.Server` created with `pauseOnConnect: true`.
   * @param family the socket's family.
   * @param notify called whenever readiness may have changed.
   * @param context the error context.
   */
  constructor(
    server: Server,
    family: number,
    notify: () => void,
    context: () => SocketErrorContext,
  ) {
    this.server = server;
    this.#family = family;
    this.#notify = notify;
    this.#context = context;
    server.on('connection', this.#onConnection);
    server.on('error', (err: Error) => {
      this.error = toSocketError(err, { ...this.#context(), op: 'accept' });
      this.#notify();
    });
  }

  #onConnection = (conn: NetSocket): void => {
    if (this.closed || this.queue.length >= this.backlog) {
      conn.on('error', () => {});
      conn.destroy();
      return;
    }
    // Until accepted, a reset of this connection must not reach anyone as an uncaught error.
    conn.on('error', ignore);
    this.queue.push(conn);
    this.#notify();
  };

  /** Takes the next queued connection, or null. */
  next(): NetSocket | null {
    const conn = this.queue.shift() ?? null;
    conn?.off('error', ignore);
    return conn;
  }

  /** The readiness bits for select/poll. */
  get readiness(): number {
    let bits = 0;
    if (this.listening && this.queue.length > 0) bits |= READY_READ;
    if (this.error !== null) bits |= READY_READ | READY_ERROR;
    return bits;
  }

  /** The bound address. */
  localAddress(): SocketAddress {
    const address = this.server.address();
    if (address === null)
      return this.#family === AF_UNIX ? '' : toAddressTuple(this.#family, '0.0.0.0', 0);
    if (typeof address === 'string') return address;
    return toAddressTuple(this.#family, address.address, address.port);
  }

  /** Stops listening and resets every connection still waiting. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.queue.splice(0)) conn.destroy();
    this.server.close();
  }
}

function ignore(): void {}
