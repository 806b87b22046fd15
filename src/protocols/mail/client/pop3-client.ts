/** `Pop3Client`: reading mail over POP3 (RFC 1939) with STLS and AUTH PLAIN, Promise API. */
import { Readable } from 'node:stream';
import type { SSLContext } from '../../../socket/index.js';
import { encodeAuthPlain } from '../codec/auth-plain.js';
import { type Pop3Capabilities, parsePop3Capabilities } from '../codec/pop3/pop3-capabilities.js';
import {
  type Pop3ResponseEvent,
  type Pop3ResponseKind,
  Pop3ResponseParser,
} from '../codec/pop3/pop3-response-parser.js';
import { MailProtocolError, Pop3Error } from './mail-client-errors.js';
import { MailConnection, type MailConnectOptions } from './mail-connection.js';

/** A `+OK` status line. */
interface Status {
  readonly text: string;
}

/** One message in a listing: its number and size (LIST) or unique id (UIDL). */
export interface Pop3Listing<T> {
  readonly number: number;
  readonly value: T;
}

/**
 * A POP3 client on polyport sockets. Commands run one at a time in call order (a call made
 * while another is in progress waits for it); `retr()` resolves to a stream of the message that
 * must be read (or destroyed) before the next command goes out. An `-ERR` rejects with
 * {@link Pop3Error}, whose `responseCode` carries `[AUTH]`, `[IN-USE]`…
 *
 * @example
 * const pop = await Pop3Client.connect('127.0.0.1', 10110);
 * await pop.login('demo', 'demo');
 * for (const { number } of await pop.list()) {
 *   const message = await pop.retr(number);
 *   for await (const chunk of message) process.stdout.write(chunk);
 * }
 * await pop.quit();
 */
export class Pop3Client {
  readonly #conn: MailConnection;
  readonly #replies = new Pop3ResponseParser();
  #greeting = '';
  #queue: Promise<void> = Promise.resolve();

  private constructor(conn: MailConnection) {
    this.#conn = conn;
  }

  /**
   * Connects and reads the greeting.
   * @param host The server.
   * @param port The port (default 110; 995 with `options.tls` for POP3S).
   * @param options Timeout, implicit TLS and the name to verify.
   * @returns The client.
   * @throws {SocketError} When the connection fails; {Pop3Error} when the greeting is `-ERR`.
   */
  static async connect(
    host: string,
    port = 110,
    options: MailConnectOptions = {},
  ): Promise<Pop3Client> {
    const conn = await MailConnection.open(host, port, options);
    const client = new Pop3Client(conn);
    try {
      client.#replies.expect('single');
      client.#greeting = (await client.#status('(greeting)')).text;
      return client;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /** The greeting's text after `+OK`. */
  get greeting(): string {
    return this.#greeting;
  }

  /** Whether the connection is TLS now. */
  get secure(): boolean {
    return this.#conn.secure;
  }

  /**
   * Asks for the server's capabilities (RFC 2449).
   * @returns The parsed CAPA list.
   * @throws {Pop3Error} If the server does not know CAPA.
   */
  async capa(): Promise<Pop3Capabilities> {
    return parsePop3Capabilities(await this.#multi('CAPA'));
  }

  /**
   * Upgrades to TLS (RFC 2595).
   * @param context The client context (default: system roots, host name checked).
   * @throws {Pop3Error} If refused; {SSLError} if the handshake fails; {MailProtocolError} if
   *   the server sent data after its `+OK`.
   */
  async stls(context?: SSLContext): Promise<void> {
    await this.#exclusive(async () => {
      await this.#send('STLS', 'single');
      await this.#status('STLS');
      await this.#conn.startTls(context, this.#replies.takeBuffered());
    });
  }

  /**
   * Logs in with USER/PASS (default) or AUTH PLAIN (RFC 5034).
   * @param username The user.
   * @param password The password.
   * @param mechanism `USER` or `PLAIN`.
   * @throws {Pop3Error} If refused (`[AUTH]` for wrong credentials, `[IN-USE]` for a locked
   *   mailbox); {TypeError} if a credential holds CR or LF.
   */
  async login(
    username: string,
    password: string,
    mechanism: 'USER' | 'PLAIN' = 'USER',
  ): Promise<void> {
    if (/[\r\n]/.test(username + password)) throw new TypeError('credentials must be one line');
    if (mechanism === 'PLAIN') {
      const token = encodeAuthPlain({ username, password });
      await this.#exclusive(async () => {
        await this.#send(`AUTH PLAIN ${token}`, 'single');
        await this.#status('AUTH PLAIN', token);
      });
      return;
    }
    await this.#single(`USER ${username}`);
    await this.#exclusive(async () => {
      await this.#send(`PASS ${password}`, 'single');
      await this.#status('PASS ***');
    });
  }

  /**
   * Counts the messages and their octets.
   * @returns The count and total size.
   * @throws {Pop3Error} Before login.
   */
  async stat(): Promise<{ count: number; size: number }> {
    const [count = 'x', size = 'x'] = (await this.#single('STAT')).split(' ');
    if (!/^\d+$/.test(count) || !/^\d+$/.test(size)) {
      throw new MailProtocolError('syntax', `malformed STAT reply: ${count} ${size}`);
    }
    return { count: Number(count), size: Number(size) };
  }

  /**
   * Lists message sizes (LIST), every message or one.
   * @param number One message's number, or none for all.
   * @returns Numbers and sizes in octets.
   * @throws {Pop3Error} For a message that does not exist or is deleted.
   */
  async list(number?: number): Promise<Array<Pop3Listing<number>>> {
    const rows = await this.#listing('LIST', number);
    return rows.map(({ number: n, value }) => {
      if (!/^\d+$/.test(value))
        throw new MailProtocolError('syntax', `malformed LIST size: ${value}`);
      return { number: n, value: Number(value) };
    });
  }

  /**
   * Lists unique ids (UIDL), every message or one.
   * @param number One message's number, or none for all.
   * @returns Numbers and unique ids.
   * @throws {Pop3Error} For a message that does not exist or is deleted.
   */
  uidl(number?: number): Promise<Array<Pop3Listing<string>>> {
    return this.#listing('UIDL', number);
  }

  /**
   * Retrieves a message as a stream (unstuffed, CRLF line endings). Later commands wait until
   * the stream has ended or was destroyed; a destroyed stream's rest is read and dropped.
   * @param number The message number.
   * @returns The message's bytes.
   * @throws {Pop3Error} For a message that does not exist or is deleted.
   */
  async retr(number: number): Promise<Readable> {
    const release = await this.#acquire();
    try {
      await this.#send(`RETR ${checkNumber(number)}`, 'multi');
      await this.#status(`RETR ${number}`);
    } catch (err) {
      release();
      throw err;
    }
    const client = this;
    async function* body(): AsyncGenerator<Buffer> {
      let ended = false;
      try {
        for (;;) {
          const ev = await client.#event();
          if (ev.type === 'end') {
            ended = true;
            return;
          }
          if (ev.type === 'data') yield ev.chunk;
        }
      } finally {
        try {
          while (!ended) ended = (await client.#event()).type === 'end';
        } catch {
          client.close();
        }
        release();
      }
    }
    return Readable.from(body(), { objectMode: false });
  }

  /**
   * The header and the first lines of the body (TOP, RFC 1939 §7).
   * @param number The message number.
   * @param lines Body lines wanted.
   * @returns The bytes, unstuffed.
   * @throws {Pop3Error} For a message that does not exist or is deleted.
   */
  async top(number: number, lines: number): Promise<Buffer> {
    return this.#multi(`TOP ${checkNumber(number)} ${checkNumber(lines, 0)}`);
  }

  /**
   * Marks a message deleted; it goes at QUIT.
   * @param number The message number.
   * @throws {Pop3Error} For a message that does not exist or is already deleted.
   */
  async dele(number: number): Promise<void> {
    await this.#single(`DELE ${checkNumber(number)}`);
  }

  /** Unmarks every deleted message. @throws {Pop3Error} Before login. */
  async rset(): Promise<void> {
    await this.#single('RSET');
  }

  /** Does nothing, keeping the session alive. @throws {Pop3Error} Before login. */
  async noop(): Promise<void> {
    await this.#single('NOOP');
  }

  /**
   * Ends the session: the server deletes the marked messages, then the connection closes.
   * @returns The server's goodbye text.
   * @throws {Pop3Error} If the server could not delete every marked message.
   */
  async quit(): Promise<string> {
    try {
      return await this.#single('QUIT');
    } finally {
      this.close();
    }
  }

  /** Closes the connection without QUIT: nothing marked is deleted. */
  close(): void {
    this.#conn.close();
  }

  async #listing(verb: 'LIST' | 'UIDL', number?: number): Promise<Array<Pop3Listing<string>>> {
    const parse = (line: string): Pop3Listing<string> => {
      const match = /^(\d+) (\S+)/.exec(line);
      if (match === null) throw new MailProtocolError('syntax', `malformed ${verb} line: ${line}`);
      return { number: Number(match[1]), value: match[2]! };
    };
    if (number !== undefined) return [parse(await this.#single(`${verb} ${checkNumber(number)}`))];
    const body = (await this.#multi(verb)).toString('utf8');
    return body
      .split('\r\n')
      .filter((line) => line !== '')
      .map(parse);
  }

  async #single(command: string): Promise<string> {
    return this.#exclusive(async () => {
      await this.#send(command, 'single');
      return (await this.#status(command)).text;
    });
  }

  async #multi(command: string): Promise<Buffer> {
    return this.#exclusive(async () => {
      await this.#send(command, 'multi');
      await this.#status(command);
      const parts: Buffer[] = [];
      for (;;) {
        const ev = await this.#event();
        if (ev.type === 'end') return Buffer.concat(parts);
        if (ev.type === 'data') parts.push(ev.chunk);
      }
    });
  }

  async #send(command: string, kind: Pop3ResponseKind): Promise<void> {
    if (/[\r\n]/.test(command)) throw new TypeError('a POP3 command must be one line');
    this.#replies.expect(kind);
    await this.#conn.write(`${command}\r\n`);
  }

  /** Reads a status line; a SASL continuation is answered with `continuation` (or `*`). */
  async #status(command: string, continuation?: string): Promise<Status> {
    for (;;) {
      const ev = await this.#event();
      if (ev.type === 'continuation') {
        await this.#conn.write(`${continuation ?? '*'}\r\n`);
        continue;
      }
      if (ev.type !== 'status')
        throw new MailProtocolError('unexpected', `${command}: unexpected ${ev.type}`);
      if (!ev.ok)
        throw new Pop3Error(command.startsWith('PASS') ? 'PASS ***' : command, ev.code, ev.text);
      return { text: ev.text };
    }
  }

  async #event(): Promise<Exclude<Pop3ResponseEvent, { type: 'error' }>> {
    for (;;) {
      const ev = this.#replies.nextEvent();
      if (ev !== null) {
        if (ev.type === 'error') {
          this.close();
          throw new MailProtocolError(ev.reason, `the server broke POP3 (${ev.reason})`);
        }
        return ev;
      }
      this.#replies.receiveData(await this.#conn.read());
    }
  }

  #acquire(): Promise<() => void> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#queue;
    this.#queue = previous.then(() => done);
    return previous.then(() => release);
  }

  async #exclusive<T>(action: () => Promise<T>): Promise<T> {
    const release = await this.#acquire();
    try {
      return await action();
    } finally {
      release();
    }
  }
}

function checkNumber(n: number, min = 1): number {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`not a message number: ${n}`);
  return n;
}
