/**
 * The client's control connection: commands out, replies in (through {@link FtpReplyDecoder}),
 * the AUTH TLS upgrade, and the passive/active data-connection setup that needs both.
 */

import {
  AF_INET,
  AF_INET6,
  createConnection,
  Socket,
  type SSLContext,
} from '../../../socket/index.js';
import { parseIpAddress, unmapIpv4 } from '../../../socket/inet.js';
import {
  formatEprtArg,
  formatPortArg,
  parseEpsvReply,
  parsePasvReply,
} from '../codec/data-address.js';
import type { Reply } from '../codec/reply.js';
import { FtpReplyDecoder } from '../codec/reply-decoder.js';

/** A reply the client did not expect, or a broken connection. */
export class FtpError extends Error {
  /** The reply, when the server sent one. */
  readonly reply: Reply | null;

  /**
   * @param message What went wrong.
   * @param reply The server's reply, if any.
   */
  constructor(message: string, reply: Reply | null = null) {
    super(message);
    this.name = 'FtpError';
    this.reply = reply;
  }
}

/**
 * Formats a reply for an error message.
 *
 * @param r The reply.
 * @returns `code text`, lines joined by newlines.
 * @example
 * replyText({ code: 550, lines: ['No such file.'] }); // '550 No such file.'
 */
export function replyText(r: Reply): string {
  return `${r.code} ${r.lines.join('\n')}`;
}

/**
 * One control connection, not serialised: {@link FtpClient} queues its calls.
 *
 * @example
 * const c = await FtpControlConnection.open('127.0.0.1', 21, 30);
 * await c.expect('USER anonymous', 331, 230);
 */
export class FtpControlConnection {
  #sock: Socket;
  readonly #decoder = new FtpReplyDecoder();
  readonly #timeout: number;

  private constructor(sock: Socket, timeout: number) {
    this.#sock = sock;
    this.#timeout = timeout;
  }

  /**
   * Connects (the greeting is left for {@link FtpControlConnection.read}).
   *
   * @param host The server.
   * @param port The port.
   * @param timeout Seconds for the connect and each read.
   * @returns The connection.
   * @throws {SocketError} If the connect fails.
   */
  static async open(host: string, port: number, timeout: number): Promise<FtpControlConnection> {
    return new FtpControlConnection(await createConnection([host, port], timeout), timeout);
  }

  /**
   * Reads the next reply.
   *
   * @returns The reply.
   * @throws {FtpError} If the server closes the connection or breaks the reply syntax.
   */
  async read(): Promise<Reply> {
    for (;;) {
      const ev = this.#decoder.nextEvent();
      if (ev?.type === 'reply') return ev.reply;
      if (ev?.type === 'error') throw new FtpError(`bad reply from server: ${ev.message}`);
      const data = await this.#sock.recv(65536);
      if (data.length === 0) throw new FtpError('the server closed the control connection');
      this.#decoder.receiveData(data);
    }
  }

  /**
   * Sends a command and reads its reply.
   *
   * @param line The command without CRLF.
   * @returns The reply.
   * @throws {TypeError} If the line holds CR or LF (it would smuggle a second command).
   */
  async send(line: string): Promise<Reply> {
    if (/[\r\n]/.test(line)) throw new TypeError('an FTP command cannot hold CR or LF');
    await this.#sock.sendall(Buffer.from(`${line}\r\n`, 'utf8'));
    return this.read();
  }

  /**
   * Sends a command and checks the reply code.
   *
   * @param line The command.
   * @param codes The codes that mean success.
   * @returns The reply.
   * @throws {FtpError} For any other code.
   */
  async expect(line: string, ...codes: number[]): Promise<Reply> {
    const r = await this.send(line);
    if (!codes.includes(r.code)) {
      throw new FtpError(`${line.split(' ')[0]} failed: ${replyText(r)}`, r);
    }
    return r;
  }

  /**
   * Wraps the connection in TLS after a 234 reply to AUTH TLS.
   *
   * @param context The client TLS context.
   * @param serverHostname The name to verify.
   */
  async upgrade(context: SSLContext, serverHostname: string): Promise<void> {
    this.#sock = await context.wrapSocket(this.#sock, { serverHostname });
    this.#sock.settimeout(this.#timeout);
  }

  /**
   * Passive mode: EPSV (the host is the control connection's peer), else PASV (its address is
   * ignored for the same reason, as curl and lftp do: a server behind NAT often gets it wrong).
   *
   * @returns The connected data socket.
   */
  async openPassive(): Promise<Socket> {
    const peer = this.#sock.getpeername() as [string, number];
    const host = unmapIpv4(String(peer[0]));
    const epsv = await this.send('EPSV');
    if (epsv.code === 229) {
      return createConnection([host, parseEpsvReply(epsv.lines[0] ?? '')], this.#timeout);
    }
    const pasv = await this.expect('PASV', 227);
    return createConnection([host, parsePasvReply(pasv.lines.join(' ')).port], this.#timeout);
  }

  /**
   * Active mode: listens on the control connection's local address and announces it with EPRT
   * (PORT when the server does not know EPRT).
   *
   * @returns The listening socket; accept on it after the transfer command.
   */
  async openActiveListener(): Promise<Socket> {
    const local = this.#sock.getsockname() as [string, number];
    const host = unmapIpv4(String(local[0]));
    const family = parseIpAddress(host)?.family === 6 ? AF_INET6 : AF_INET;
    const listener = new Socket(family);
    try {
      await listener.bind([host, 0]);
      await listener.listen(1);
      const port = (listener.getsockname() as [string, number])[1];
      const r = await this.send(`EPRT ${formatEprtArg({ host, port })}`);
      if (r.code !== 200) {
        if (family === AF_INET6) throw new FtpError(`EPRT failed: ${replyText(r)}`, r);
        await this.expect(`PORT ${formatPortArg({ host, port })}`, 200);
      }
    } catch (err) {
      listener.close();
      throw err;
    }
    return listener;
  }

  /** Closes the connection. */
  close(): void {
    this.#sock.close();
  }
}
