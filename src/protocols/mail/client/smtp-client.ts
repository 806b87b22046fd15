/** `SmtpClient`: sending mail over SMTP (RFC 5321) with STARTTLS and AUTH PLAIN, Promise API. */
import type { Readable } from 'node:stream';
import type { SSLContext } from '../../../socket/index.js';
import { encodeAuthPlain } from '../codec/auth-plain.js';
import { DotStuffer } from '../codec/dot-stuffer.js';
import { type EhloCapabilities, parseEhloCapabilities } from '../codec/smtp/ehlo-capabilities.js';
import { SmtpReplyParser } from '../codec/smtp/smtp-reply-parser.js';
import { MailProtocolError, SmtpReplyError } from './mail-client-errors.js';
import { MailConnection, type MailConnectOptions } from './mail-connection.js';

/** A reply from the server. */
export interface SmtpClientReply {
  readonly code: number;
  readonly enhanced: string | null;
  readonly lines: readonly string[];
}

/** What {@link SmtpClient.sendMail} achieved. */
export interface SendMailResult {
  /** Recipients the server accepted. */
  readonly accepted: readonly string[];
  /** Recipients it refused, with its reply to each. */
  readonly refused: ReadonlyMap<string, SmtpClientReply>;
  /** The reply to the final dot (`250 2.0.0 Ok: queued as …`). */
  readonly reply: SmtpClientReply;
}

/** A message to send: bytes, text (UTF-8), or a stream of chunks. */
export type MailContent = Uint8Array | string | AsyncIterable<Uint8Array> | Readable;

/**
 * An SMTP client on polyport sockets. `connect()` reads the greeting; `ehlo()` learns the
 * extensions (falling back to HELO); `starttls()` upgrades and says EHLO again; `authPlain()`
 * logs in; `sendMail()` sends one message, streaming and dot-stuffing it, with PIPELINING when
 * offered. A 4xx/5xx reply rejects with {@link SmtpReplyError}.
 *
 * @example
 * const smtp = await SmtpClient.connect('127.0.0.1', 10025);
 * await smtp.ehlo();
 * await smtp.sendMail('me@client.example', ['demo@example.test'], 'Subject: hi\r\n\r\nhello\r\n');
 * await smtp.quit();
 */
export class SmtpClient {
  readonly #conn: MailConnection;
  readonly #replies = new SmtpReplyParser();
  readonly #localName: string;
  #greeting: SmtpClientReply = { code: 0, enhanced: null, lines: [] };
  #capabilities: EhloCapabilities | null = null;

  private constructor(conn: MailConnection, localName: string) {
    this.#conn = conn;
    this.#localName = localName;
  }

  /**
   * Connects and reads the greeting.
   * @param host The server.
   * @param port The port (default 25).
   * @param options Timeout, implicit TLS, and `localName` for EHLO (default `localhost`).
   * @returns The client.
   * @throws {SocketError} When the connection fails; {SmtpReplyError} when the greeting is not
   *   220 (a busy server's 421, say).
   */
  static async connect(
    host: string,
    port = 25,
    options: MailConnectOptions & { readonly localName?: string } = {},
  ): Promise<SmtpClient> {
    const conn = await MailConnection.open(host, port, options);
    const client = new SmtpClient(conn, options.localName ?? 'localhost');
    try {
      client.#greeting = await client.#reply();
      if (client.#greeting.code !== 220) throw new SmtpReplyError('(greeting)', client.#greeting);
      return client;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /** The server's greeting (`220 mx.example.test ESMTP …`). */
  get greeting(): SmtpClientReply {
    return this.#greeting;
  }

  /** The extensions from the last EHLO, or `null` before it (or after HELO). */
  get capabilities(): EhloCapabilities | null {
    return this.#capabilities;
  }

  /** Whether the connection is TLS now. */
  get secure(): boolean {
    return this.#conn.secure;
  }

  /**
   * Says EHLO (HELO if the server refuses EHLO) and records the extensions.
   * @param name Our name (default the `localName` given to `connect`).
   * @returns The extensions (none after a HELO fallback).
   * @throws {SmtpReplyError} If both are refused.
   */
  async ehlo(name = this.#localName): Promise<EhloCapabilities> {
    const reply = await this.command(`EHLO ${name}`);
    if (reply.code === 250) {
      this.#capabilities = parseEhloCapabilities(reply.lines);
      return this.#capabilities;
    }
    await this.#expect(`HELO ${name}`, 250);
    this.#capabilities = null;
    return parseEhloCapabilities([name]);
  }

  /**
   * Upgrades to TLS (RFC 3207) and says EHLO again, as the server forgot everything.
   * @param context The client context (default: system roots, host name checked).
   * @throws {SmtpReplyError} If the server refuses; {SSLError} if the handshake fails;
   *   {MailProtocolError} if the server sent data after its 220.
   */
  async starttls(context?: SSLContext): Promise<void> {
    await this.#expect('STARTTLS', 220);
    await this.#conn.startTls(context, this.#replies.takeBuffered());
    this.#capabilities = null;
    await this.ehlo();
  }

  /**
   * Logs in with AUTH PLAIN (RFC 4954), the credentials in the initial response.
   * @param username The user.
   * @param password The password.
   * @throws {SmtpReplyError} If refused (`535 5.7.8`).
   */
  async authPlain(username: string, password: string): Promise<void> {
    const token = encodeAuthPlain({ username, password });
    const reply = await this.command(`AUTH PLAIN ${token}`);
    if (reply.code !== 235) throw new SmtpReplyError('AUTH PLAIN', reply);
  }

  /**
   * Sends one message. The content is dot-stuffed and its line endings made CRLF on the way;
   * a stream is read only as fast as the server takes it.
   * @param from The envelope sender (`''` for the null sender).
   * @param to The envelope recipients.
   * @param message The message: headers, blank line, body.
   * @returns Who was accepted and refused, and the final reply.
   * @throws {SmtpReplyError} If MAIL is refused, every recipient is refused, or the message is
   *   (e.g. `552` for its size). {TypeError} if an address holds `<`, `>`, CR or LF.
   */
  async sendMail(
    from: string,
    to: readonly string[],
    message: MailContent,
  ): Promise<SendMailResult> {
    for (const address of [from, ...to]) {
      if (/[<>\r\n]/.test(address))
        throw new TypeError(`not an address: ${JSON.stringify(address)}`);
    }
    if (to.length === 0) throw new TypeError('sendMail(): no recipients');
    const caps = this.#capabilities;
    let params = '';
    if (caps?.extensions.has('8BITMIME')) params += ' BODY=8BITMIME';
    const size =
      typeof message === 'string'
        ? Buffer.byteLength(message)
        : message instanceof Uint8Array
          ? message.length
          : null;
    if (size !== null && caps?.extensions.has('SIZE')) params += ` SIZE=${size}`;
    const commands = [`MAIL FROM:<${from}>${params}`, ...to.map((r) => `RCPT TO:<${r}>`), 'DATA'];
    const replies: SmtpClientReply[] = [];
    if (caps?.extensions.has('PIPELINING')) {
      await this.#conn.write(commands.map((c) => `${c}\r\n`).join(''));
      for (let i = 0; i < commands.length; i++) replies.push(await this.#reply());
    } else {
      for (const c of commands) {
        const reply = await this.command(c);
        replies.push(reply);
        // Without pipelining, stop at the first command that makes the rest pointless.
        if (reply.code >= 400 && (c.startsWith('MAIL') || c === 'DATA')) break;
      }
    }
    const mail = replies[0]!;
    if (mail.code !== 250) {
      await this.#settleData(replies[commands.length - 1]);
      throw new SmtpReplyError(commands[0]!, mail);
    }
    const accepted: string[] = [];
    const refused = new Map<string, SmtpClientReply>();
    to.forEach((r, i) => {
      const reply = replies[i + 1];
      if (reply === undefined) return;
      if (reply.code === 250 || reply.code === 251) accepted.push(r);
      else refused.set(r, reply);
    });
    const data = replies[commands.length - 1];
    if (accepted.length === 0) {
      await this.#settleData(data);
      throw new SmtpReplyError(`RCPT TO:<${to[0]}>`, refused.get(to[0]!)!);
    }
    if (data === undefined || data.code !== 354) {
      throw new SmtpReplyError('DATA', data ?? { code: 0, enhanced: null, lines: [] });
    }
    await this.#sendContent(message);
    const reply = await this.#reply();
    if (reply.code !== 250) throw new SmtpReplyError('(end of data)', reply);
    return { accepted, refused, reply };
  }

  /**
   * Sends RSET, ending any transaction.
   * @throws {SmtpReplyError} If refused.
   */
  async rset(): Promise<void> {
    await this.#expect('RSET', 250);
  }

  /**
   * Sends NOOP.
   * @throws {SmtpReplyError} If refused.
   */
  async noop(): Promise<void> {
    await this.#expect('NOOP', 250);
  }

  /** Sends QUIT, reads the 221 if it comes, and closes. Never throws. */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // Closing is what QUIT is for; a server that hung up first changes nothing.
    }
    this.close();
  }

  /** Closes the connection without QUIT. */
  close(): void {
    this.#conn.close();
  }

  /**
   * Sends one command line and reads its reply, whatever the code.
   * @param line The command without CRLF.
   * @returns The reply.
   * @throws {TypeError} If the line holds CR or LF; {MailProtocolError} if the server breaks
   *   the protocol or hangs up.
   */
  async command(line: string): Promise<SmtpClientReply> {
    if (/[\r\n]/.test(line)) throw new TypeError('an SMTP command must be one line');
    await this.#conn.write(`${line}\r\n`);
    return this.#reply();
  }

  async #expect(line: string, code: number): Promise<SmtpClientReply> {
    const reply = await this.command(line);
    if (reply.code !== code) throw new SmtpReplyError(line, reply);
    return reply;
  }

  async #settleData(data: SmtpClientReply | undefined): Promise<void> {
    // A pipelined DATA that the server accepted anyway needs an (empty) message to end it.
    if (data?.code === 354) {
      await this.#conn.write('.\r\n');
      await this.#reply();
    }
  }

  async #sendContent(message: MailContent): Promise<void> {
    const stuffer = new DotStuffer();
    if (typeof message === 'string' || message instanceof Uint8Array) {
      const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
      await this.#conn.write(Buffer.concat([stuffer.push(bytes), stuffer.end()]));
      return;
    }
    for await (const chunk of message as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const out = stuffer.push(bytes);
      if (out.length > 0) await this.#conn.write(out);
    }
    await this.#conn.write(stuffer.end());
  }

  async #reply(): Promise<SmtpClientReply> {
    for (;;) {
      const ev = this.#replies.nextEvent();
      if (ev !== null) {
        if (ev.type === 'error') {
          this.close();
          throw new MailProtocolError(
            ev.reason,
            `the server sent a malformed reply (${ev.reason})`,
          );
        }
        return { code: ev.code, enhanced: ev.enhanced, lines: ev.lines };
      }
      this.#replies.receiveData(await this.#conn.read());
    }
  }
}
