/**
 * A TCP proxy on loopback that breaks the connections it carries on purpose, for tests of error
 * paths: delays, dribbles, a FIN or a reset at a byte offset, a peer that stops reading.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type ConnectionFaults, type FaultChooser, validateDirectionFaults } from './fault-plan.js';
import { FaultProxyPipe } from './fault-proxy-pipe.js';

/** Options for {@link FaultProxy.listen}. */
export interface FaultProxyOptions {
  /** Where connections go: `[host, port]` of the server under test. */
  readonly target: readonly [string, number];
  /** Faults for every connection, or a function of the connection's index. Default: none. */
  readonly faults?: ConnectionFaults | FaultChooser;
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port to listen on. Default 0: any free port. */
  readonly port?: number;
}

/**
 * One connection through a {@link FaultProxy}: the bytes forwarded each way and when it ended.
 *
 * @example
 * const [conn] = proxy.connections;
 * await conn.closed;
 * conn.toServer.bytes; // what the server received
 */
export interface ProxiedConnection {
  /** 0-based, in accept order. */
  readonly index: number;
  /** The faults this connection got. */
  readonly faults: ConnectionFaults;
  /** Client to server: `bytes` forwarded, `stalled` once reading stopped. */
  readonly toServer: { readonly bytes: number; readonly stalled: boolean };
  /** Server to client. */
  readonly toClient: { readonly bytes: number; readonly stalled: boolean };
  /** Resolves when both of the proxy's sockets for this connection are closed. */
  readonly closed: Promise<void>;
  /** Resets both sides now (RST to the client and to the server). */
  reset(): void;
}

function chooseFaults(source: FaultProxyOptions['faults'], index: number): ConnectionFaults {
  const faults = typeof source === 'function' ? source(index) : (source ?? {});
  if (faults.toServer !== undefined) validateDirectionFaults(faults.toServer, 'toServer');
  if (faults.toClient !== undefined) validateDirectionFaults(faults.toClient, 'toClient');
  return faults;
}

/** Sends an RST where the socket is a connected TCP socket, else just destroys it. */
function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * A loopback TCP proxy between a client and the server under test that applies
 * {@link ConnectionFaults} to each connection, per direction. Works for TLS too (it forwards
 * bytes, so a handshake can be cut or stalled at any offset). A peer's reset is passed on as a
 * reset, a FIN as a FIN (half-close is kept).
 *
 * @example
 * import { FaultProxy } from 'polyport/testing';
 * const proxy = await FaultProxy.listen({
 *   target: ['127.0.0.1', serverPort],
 *   faults: { toServer: { resetAt: 100 } }, // the upload breaks after 100 bytes
 * });
 * const client = await createConnection(['127.0.0.1', proxy.port], 5);
 * // ... the client's upload fails with ECONNRESET, and the server must clean up ...
 * await proxy.close();
 */
export class FaultProxy {
  /** Every connection accepted so far, in order. */
  readonly connections: ProxiedConnection[] = [];
  readonly #server: Server;
  readonly #target: readonly [string, number];
  readonly #sockets = new Set<Socket>();
  #faults: FaultProxyOptions['faults'];

  private constructor(server: Server, options: FaultProxyOptions) {
    this.#server = server;
    this.#target = options.target;
    this.#faults = options.faults;
    server.on('connection', (client) => this.#accept(client));
  }

  /**
   * Starts a proxy listening on loopback.
   * @param options the target and the faults.
   * @returns the listening proxy.
   * @throws {RangeError} for a fault that is not a non-negative integer offset.
   * @throws {Error} when the address cannot be bound.
   * @example
   * const proxy = await FaultProxy.listen({ target: ['127.0.0.1', 8080] });
   * proxy.port; // connect here instead of 8080
   */
  static async listen(options: FaultProxyOptions): Promise<FaultProxy> {
    if (typeof options.faults === 'object') chooseFaults(options.faults, 0);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const proxy = new FaultProxy(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is closed');
    return address.port;
  }

  /** `[host, port]` the proxy listens on, to pass to a client. */
  get address(): [string, number] {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is closed');
    return [address.address, address.port];
  }

  /**
   * How many sockets (descriptors) the proxy holds open now, its listener included. A test that
   * counts the server's descriptors in the same process subtracts these.
   * @returns the count.
   * @example
   * const serverFds = readdirSync('/proc/self/fd').length - proxy.openSockets();
   */
  openSockets(): number {
    return (this.#server.listening ? 1 : 0) + this.#sockets.size;
  }

  /**
   * Replaces the faults for connections accepted from now on (open ones keep theirs).
   * @param faults the new faults, or a chooser by connection index.
   * @returns nothing.
   * @throws {RangeError} for an invalid fault.
   * @example
   * proxy.setFaults({}); // let the next client through untouched
   */
  setFaults(faults: ConnectionFaults | FaultChooser): void {
    if (typeof faults === 'object') chooseFaults(faults, 0);
    this.#faults = faults;
  }

  /**
   * Stops listening and destroys every open connection's sockets (without RST).
   * @returns when the listener and every socket are closed.
   * @example
   * await proxy.close();
   */
  async close(): Promise<void> {
    const closing = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([closing, ...this.connections.map((c) => c.closed)]);
  }

  #accept(client: Socket): void {
    const index = this.connections.length;
    let faults: ConnectionFaults;
    try {
      faults = chooseFaults(this.#faults, index);
    } catch (err) {
      resetSocket(client);
      throw err;
    }
    const server = createConnection({
      host: this.#target[0],
      port: this.#target[1],
      allowHalfOpen: true,
    });
    for (const socket of [client, server]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
    }
    const resetBoth = (): void => {
      resetSocket(client);
      resetSocket(server);
    };
    const closedOne = (socket: Socket): Promise<void> =>
      new Promise((resolve) =>
        socket.once('close', () => {
          this.#sockets.delete(socket);
          resolve();
        }),
      );
    const closed = Promise.all([closedOne(client), closedOne(server)]).then(() => undefined);
    // A reset or an error on one side is passed on as a reset to the other; a clean close of one
    // side after both directions ended needs nothing more.
    for (const [socket, other] of [
      [client, server],
      [server, client],
    ] as const) {
      socket.on('error', () => resetSocket(other));
      socket.on('close', (hadError) => {
        if (hadError) resetSocket(other);
        else if (!other.destroyed && !other.writableEnded) other.end();
      });
    }
    const toServer = new FaultProxyPipe(client, server, faults.toServer ?? {}, resetBoth);
    const toClient = new FaultProxyPipe(server, client, faults.toClient ?? {}, resetBoth);
    this.connections.push({
      index,
      faults,
      toServer,
      toClient,
      closed,
      reset: resetBoth,
    });
    // pauseOnConnect: the client's bytes wait until the pipes are in place (and a stall at 0
    // never reads at all).
    if (!toServer.stalled) client.resume();
  }
}
