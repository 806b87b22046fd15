/** The socket under `SmtpClient` and `Pop3Client`: connect, read, write, upgrade to TLS. */
import {
  createConnection,
  createDefaultContext,
  type Socket,
  type SSLContext,
  SSLSocket,
} from '../../../socket/index.js';
import { MailProtocolError } from './mail-client-errors.js';

/** How a mail client connects. */
export interface MailConnectOptions {
  /** Seconds to wait for the connection and for each reply. Default 30. */
  readonly timeout?: number;
  /** Speak TLS from the first byte (SMTPS 465, POP3S 995) with this client context. */
  readonly tls?: SSLContext;
  /** The name to check the certificate against and send as SNI. Default: the host. */
  readonly serverHostname?: string;
}

/**
 * A connected client socket with the two things a line protocol client needs: the next bytes
 * (end of stream is an error: a server must not hang up in the middle of a reply) and an
 * in-place TLS upgrade.
 *
 * @example
 * const conn = await MailConnection.open('127.0.0.1', 10025);
 * const bytes = await conn.read();
 */
export class MailConnection {
  #sock: Socket;
  readonly #host: string;
  readonly #serverHostname: string | undefined;

  private constructor(sock: Socket, host: string, serverHostname: string | undefined) {
    this.#sock = sock;
    this.#host = host;
    this.#serverHostname = serverHostname;
  }

  /**
   * Connects, and with `options.tls` performs the TLS handshake.
   * @param host A host name or address.
   * @param port The port.
   * @param options Timeout, implicit TLS and the name to verify.
   * @returns The connection.
   * @throws {SocketError} When the connection fails; {SSLError} when the handshake does.
   */
  static async open(
    host: string,
    port: number,
    options: MailConnectOptions = {},
  ): Promise<MailConnection> {
    let sock = await createConnection([host, port], options.timeout ?? 30);
    if (options.tls !== undefined) {
      try {
        sock = await options.tls.wrapSocket(sock, {
          serverHostname: options.serverHostname ?? host,
        });
      } catch (err) {
        sock.close();
        throw err;
      }
    }
    return new MailConnection(sock, host, options.serverHostname);
  }

  /** Whether the connection is TLS now. */
  get secure(): boolean {
    return this.#sock instanceof SSLSocket;
  }

  /**
   * The next bytes from the server.
   * @returns At least one byte.
   * @throws {MailProtocolError} `closed` at end of stream; {SocketTimeoutError} after the timeout.
   */
  async read(): Promise<Buffer> {
    const data = await this.#sock.recv(65536);
    if (data.length === 0)
      throw new MailProtocolError('closed', 'the server closed the connection');
    return data;
  }

  /**
   * Sends bytes, waiting while the socket is full (the server's pace sets ours).
   * @param data The bytes or text (UTF-8).
   */
  write(data: Uint8Array | string): Promise<void> {
    return this.#sock.sendall(data);
  }

  /**
   * Switches to TLS after the server's go-ahead (`220`, `+OK`).
   * @param context The client context (default: system roots, host name checked).
   * @param leftover What the reply parser had read past the go-ahead; must be empty, else a
   *   man in the middle is injecting plaintext (RFC 3207 §6).
   * @throws {MailProtocolError} `injection` if `leftover` is not empty; {SSLError} if the
   *   handshake fails.
   */
  async startTls(context: SSLContext | undefined, leftover: Uint8Array): Promise<void> {
    if (leftover.length > 0) {
      this.close();
      throw new MailProtocolError('injection', 'the server sent data after its TLS go-ahead');
    }
    const ctx = context ?? createDefaultContext();
    this.#sock = await ctx.wrapSocket(this.#sock, {
      serverHostname: this.#serverHostname ?? this.#host,
    });
  }

  /** Closes the connection. */
  close(): void {
    this.#sock.close();
  }
}
