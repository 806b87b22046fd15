/**
 * A byte-level client for hostile cases: it records everything it receives and how the
 * connection ended, so a case can wait for a reply or for the server to close, with an upper
 * bound that fails a hung case.
 */
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

/** How a connection ended, as the client saw it. */
export type Ending = 'open' | 'end' | 'reset' | 'error' | 'closed';

/** A client socket with its received bytes and its ending recorded. */
export class RawClient {
  readonly socket: Socket;
  readonly #chunks: Buffer[] = [];
  #joined: Buffer | undefined;
  /** Bytes received so far. */
  bytes = 0;
  ending: Ending = 'open';
  errorCode: string | undefined;
  /** True once the socket's descriptor is closed. */
  closed = false;
  readonly #waiters = new Set<() => void>();

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      // Joined only when asked for: a multi-megabyte download must not be copied per chunk,
      // or this client reads too slowly and the server's write timeout cuts it off.
      this.#chunks.push(chunk);
      this.#joined = undefined;
      this.bytes += chunk.length;
      this.#wake();
    });
    socket.on('end', () => {
      if (this.ending === 'open') this.ending = 'end';
      this.#wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.errorCode = err.code ?? err.message;
      this.ending = err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'error';
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      if (this.ending === 'open') this.ending = 'closed';
      this.#wake();
    });
  }

  /** What was received. */
  get received(): Buffer {
    this.#joined ??= Buffer.concat(this.#chunks);
    return this.#joined;
  }

  /** What was received, as latin1 text. */
  get text(): string {
    return this.received.toString('latin1');
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }

  /** Waits until `done()` holds, failing after `ms` with `what` and what was received. */
  async waitFor(done: () => boolean, what: string, ms = 5000): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `${what}: not within ${ms} ms (ending ${this.ending}, received ${JSON.stringify(this.text.slice(-300))})`,
          ),
        );
      }, ms);
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
    });
  }

  /** Waits until the received text matches `pattern`. */
  async until(pattern: RegExp, ms = 5000): Promise<string> {
    await this.waitFor(
      () => pattern.test(this.text) || this.ending !== 'open',
      `reply ${pattern}`,
      ms,
    );
    if (!pattern.test(this.text)) {
      throw new Error(
        `connection ${this.ending} before ${pattern}; received ${JSON.stringify(this.text.slice(-300))}`,
      );
    }
    return this.text;
  }

  #cursor = 0;

  /**
   * Waits for `pattern` in what arrived since the last `expect()` (a reply to the command just
   * sent), and moves past it.
   */
  async expect(pattern: RegExp, ms = 5000): Promise<RegExpExecArray> {
    const find = (): RegExpExecArray | null => pattern.exec(this.text.slice(this.#cursor));
    await this.waitFor(() => find() !== null || this.ending !== 'open', `reply ${pattern}`, ms);
    const match = find();
    if (match === null) {
      throw new Error(
        `connection ${this.ending} before ${pattern}; received ${JSON.stringify(this.text.slice(this.#cursor).slice(-300))}`,
      );
    }
    this.#cursor += match.index + match[0].length;
    return match;
  }

  /** Sends a command line and waits for the reply that matches `pattern`. */
  async command(line: string, pattern: RegExp, ms = 5000): Promise<RegExpExecArray> {
    this.write(`${line}\r\n`);
    return this.expect(pattern, ms);
  }

  /** Waits until the server ended the connection (FIN or reset). */
  async closedByServer(ms = 5000): Promise<Ending> {
    await this.waitFor(() => this.ending !== 'open', 'the server closes the connection', ms);
    return this.ending;
  }

  /** Sends bytes (write errors are recorded as the ending, not thrown). */
  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Sends a FIN after the bytes written so far. */
  end(data: string | Buffer = ''): void {
    if (!this.socket.destroyed) this.socket.end(data);
  }

  /** Resets the connection (RST). */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  /** Closes without a reset. */
  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Connects a plain TCP client.
 * @param port the port on 127.0.0.1.
 * @param localAddress the source address (another loopback address keeps per-address limits apart).
 */
export async function connectRaw(port: number, localAddress?: string): Promise<RawClient> {
  const socket = createConnection({
    host: '127.0.0.1',
    port,
    allowHalfOpen: true,
    ...(localAddress === undefined ? {} : { localAddress }),
  });
  const client = new RawClient(socket);
  await Promise.race([
    once(socket, 'connect'),
    once(socket, 'close').then(() => {
      throw new Error(`connect to ${port} failed: ${client.errorCode}`);
    }),
  ]);
  return client;
}

/**
 * Connects a TLS client (certificate not checked: the host's is self-signed), or upgrades a
 * connected plain socket when `socket` is given.
 */
export async function connectTls(
  port: number,
  socket?: Socket,
): Promise<{ client: RawClient; tls: TLSSocket }> {
  const tls = tlsConnect({
    host: '127.0.0.1',
    port,
    rejectUnauthorized: false,
    ...(socket === undefined ? {} : { socket }),
  });
  const client = new RawClient(tls);
  await Promise.race([
    once(tls, 'secureConnect'),
    once(tls, 'close').then(() => {
      throw new Error(`TLS handshake with ${port} failed: ${client.errorCode}`);
    }),
  ]);
  return { client, tls };
}

/** Random bytes that are not any protocol (fixed seed, so a failure can be repeated). */
export function garbage(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
