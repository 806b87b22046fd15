/**
 * `FtpClient`: an FTP client with a Promise API on polyport sockets — login, AUTH TLS with
 * PROT P, directory commands, listings parsed into entries, and streaming transfers in passive
 * (EPSV, then PASV) or active (EPRT/PORT) mode.
 */

import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AF_INET,
  AF_INET6,
  createConnection,
  SHUT_WR,
  Socket,
  type SSLContext,
} from '../../socket/index.js';
import { formatEprtArg, formatPortArg, parseEpsvReply, parsePasvReply } from './data-address.js';
import type { FileEntry } from './file-entry.js';
import { parseIpAddress, unmapIpv4 } from './ip-address.js';
import { parseListing } from './list-parser.js';
import { parseMlsxLine } from './mlsx.js';
import type { Reply } from './reply.js';
import { FtpReplyDecoder } from './reply-decoder.js';
import { parsePathnameReply } from './virtual-path.js';

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

/** Options for {@link FtpClient.connect}. */
export interface FtpClientOptions {
  /** Seconds for connects and each read (default 30). */
  readonly timeout?: number;
  /** Use active mode (EPRT/PORT) instead of passive (default false). */
  readonly active?: boolean;
}

/** Options for transfers. */
export interface TransferOptions {
  /** Start at this byte (REST). */
  readonly offset?: number;
  /** Called with the bytes moved so far. */
  readonly onProgress?: (bytes: number) => void;
}

function text(r: Reply): string {
  return `${r.code} ${r.lines.join('\n')}`;
}

/**
 * An FTP client connection. Commands are serialised: each call waits for the one before.
 *
 * @example
 * const ftp = await FtpClient.connect('127.0.0.1', 10021);
 * await ftp.login('demo', 'demo');
 * for (const entry of await ftp.list('/')) console.log(entry.name, entry.size);
 * await ftp.get('hello.txt', '/tmp/hello.txt');
 * await ftp.quit();
 */
export class FtpClient {
  #sock: Socket;
  readonly #host: string;
  readonly #timeout: number;
  readonly #active: boolean;
  readonly #decoder = new FtpReplyDecoder();
  #tls: SSLContext | null = null;
  #tlsName: string | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  /** The server's greeting. */
  welcome: Reply | null = null;

  private constructor(sock: Socket, host: string, options: FtpClientOptions) {
    this.#sock = sock;
    this.#host = host;
    this.#timeout = options.timeout ?? 30;
    this.#active = options.active ?? false;
  }

  /**
   * Connects and reads the greeting.
   *
   * @param host The server's name or address.
   * @param port The control port (default 21).
   * @param options Timeout and mode.
   * @returns The connected client.
   * @throws {FtpError} If the greeting is not 220; {SocketError} if the connect fails.
   * @example
   * const ftp = await FtpClient.connect('ftp.example.org');
   */
  static async connect(
    host: string,
    port = 21,
    options: FtpClientOptions = {},
  ): Promise<FtpClient> {
    const sock = await createConnection([host, port], options.timeout ?? 30);
    const client = new FtpClient(sock, host, options);
    try {
      const hello = await client.#read();
      if (hello.code !== 220) throw new FtpError(`unexpected greeting: ${text(hello)}`, hello);
      client.welcome = hello;
    } catch (err) {
      sock.close();
      throw err;
    }
    return client;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#lock.then(work, work);
    this.#lock = next.catch(() => {});
    return next;
  }

  async #read(): Promise<Reply> {
    for (;;) {
      const ev = this.#decoder.nextEvent();
      if (ev?.type === 'reply') return ev.reply;
      if (ev?.type === 'error') throw new FtpError(`bad reply from server: ${ev.message}`);
      const data = await this.#sock.recv(65536);
      if (data.length === 0) throw new FtpError('the server closed the control connection');
      this.#decoder.receiveData(data);
    }
  }

  async #send(line: string): Promise<Reply> {
    if (/[\r\n]/.test(line)) throw new TypeError('an FTP command cannot hold CR or LF');
    await this.#sock.sendall(Buffer.from(`${line}\r\n`, 'utf8'));
    return this.#read();
  }

  async #expect(line: string, ...codes: number[]): Promise<Reply> {
    const r = await this.#send(line);
    if (!codes.includes(r.code)) throw new FtpError(`${line.split(' ')[0]} failed: ${text(r)}`, r);
    return r;
  }

  /**
   * Sends one command and returns the reply, whatever its code.
   *
   * @param line The command line without CRLF.
   * @returns The reply.
   * @throws {TypeError} If the line holds CR or LF.
   */
  command(line: string): Promise<Reply> {
    return this.#serial(() => this.#send(line));
  }

  /**
   * Logs in (USER, then PASS when asked).
   *
   * @param user The user name (default `anonymous`).
   * @param password The password.
   * @throws {FtpError} If the login is refused.
   */
  login(user = 'anonymous', password = 'anonymous@'): Promise<void> {
    return this.#serial(async () => {
      const r = await this.#expect(`USER ${user}`, 230, 331);
      if (r.code === 331) await this.#expect(`PASS ${password}`, 230, 202);
    });
  }

  /**
   * Upgrades the control connection with AUTH TLS, then protects data connections (PBSZ 0,
   * PROT P). Call before {@link FtpClient.login}.
   *
   * @param context A client TLS context.
   * @param serverHostname The name to verify (default: the host connected to).
   * @throws {FtpError} If the server refuses; {SSLError} if the handshake fails.
   */
  authTls(context: SSLContext, serverHostname: string = this.#host): Promise<void> {
    return this.#serial(async () => {
      await this.#expect('AUTH TLS', 234);
      this.#sock = await context.wrapSocket(this.#sock, { serverHostname });
      this.#sock.settimeout(this.#timeout);
      this.#tls = context;
      this.#tlsName = serverHostname;
      await this.#expect('PBSZ 0', 200);
      await this.#expect('PROT P', 200);
    });
  }

  /** @returns The working directory. */
  pwd(): Promise<string> {
    return this.#serial(async () =>
      parsePathnameReply((await this.#expect('PWD', 257)).lines[0] ?? ''),
    );
  }

  /** @param path The directory to change to. */
  cwd(path: string): Promise<void> {
    return this.#serial(async () => void (await this.#expect(`CWD ${path}`, 250)));
  }

  /** @param path The directory to make. @returns Its path as the server names it. */
  mkdir(path: string): Promise<string> {
    return this.#serial(async () => {
      const r = await this.#expect(`MKD ${path}`, 257);
      return parsePathnameReply(r.lines[0] ?? '');
    });
  }

  /** @param path The (empty) directory to remove. */
  rmdir(path: string): Promise<void> {
    return this.#serial(async () => void (await this.#expect(`RMD ${path}`, 250)));
  }

  /** @param path The file to delete. */
  delete(path: string): Promise<void> {
    return this.#serial(async () => void (await this.#expect(`DELE ${path}`, 250)));
  }

  /** @param from The current name. @param to The new name. */
  rename(from: string, to: string): Promise<void> {
    return this.#serial(async () => {
      await this.#expect(`RNFR ${from}`, 350);
      await this.#expect(`RNTO ${to}`, 250);
    });
  }

  /** @param path A file. @returns Its size in bytes (SIZE, in binary type). */
  size(path: string): Promise<number> {
    return this.#serial(async () => {
      await this.#expect('TYPE I', 200);
      return Number((await this.#expect(`SIZE ${path}`, 213)).lines[0]);
    });
  }

  /** @param path A file. @returns Its modification time (MDTM). */
  mdtm(path: string): Promise<Date> {
    return this.#serial(async () => {
      const value = (await this.#expect(`MDTM ${path}`, 213)).lines[0] ?? '';
      const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)/.exec(value);
      if (!m) throw new FtpError(`bad MDTM reply ${value}`);
      const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as number[];
      return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
    });
  }

  /**
   * Lists a directory: MLSD when the server offers it, else LIST parsed from `ls -l` lines.
   *
   * @param path The directory (default the working directory).
   * @returns The entries (without `.` and `..`).
   */
  list(path = ''): Promise<FileEntry[]> {
    return this.#serial(async () => {
      const feat = await this.#send('FEAT');
      const mlsd = feat.code === 211 && feat.lines.some((l) => /^\s*MLST\b/i.test(l));
      const raw = await this.#collect(
        mlsd ? `MLSD${path ? ` ${path}` : ''}` : `LIST${path ? ` ${path}` : ''}`,
      );
      const body = raw.toString('utf8');
      if (!mlsd) return parseListing(body, { now: new Date() }).entries;
      return body
        .split(/\r?\n/)
        .filter((l) => l !== '')
        .map((l) => parseMlsxLine(l).entry)
        .filter(
          (e) => e.name !== '.' && e.name !== '..' && !/^c?pdir$|^cdir$/i.test(String(e.name)),
        );
    });
  }

  /** @param path The directory. @returns The names NLST gives. */
  nlst(path = ''): Promise<string[]> {
    return this.#serial(async () => {
      const raw = await this.#collect(`NLST${path ? ` ${path}` : ''}`);
      return raw
        .toString('utf8')
        .split(/\r?\n/)
        .filter((l) => l !== '');
    });
  }

  async #collect(line: string): Promise<Buffer> {
    await this.#expect('TYPE A', 200);
    const parts: Buffer[] = [];
    await this.#transfer(line, 0, async (data) => {
      for (;;) {
        const chunk = await data.recv(65536);
        if (chunk.length === 0) return;
        parts.push(chunk);
      }
    });
    return Buffer.concat(parts);
  }

  /** Opens a data connection, runs the command, moves the data, reads the final reply. */
  async #transfer(
    line: string,
    offset: number,
    move: (data: Socket) => Promise<void>,
  ): Promise<void> {
    let listener: Socket | null = null;
    let data: Socket | null = null;
    try {
      if (this.#active) listener = await this.#activeListen();
      else data = await this.#passiveConnect();
      if (offset > 0) await this.#expect(`REST ${offset}`, 350);
      const started = await this.#send(line);
      if (started.code !== 150 && started.code !== 125) {
        throw new FtpError(`${line.split(' ')[0]} failed: ${text(started)}`, started);
      }
      if (listener !== null) {
        listener.settimeout(this.#timeout);
        data = (await listener.accept())[0];
      }
      let sock = data as Socket;
      sock.settimeout(this.#timeout);
      if (this.#tls !== null) {
        const name = this.#tlsName;
        sock = await this.#tls.wrapSocket(sock, name === undefined ? {} : { serverHostname: name });
        sock.settimeout(this.#timeout);
        data = sock;
      }
      await move(sock);
      sock.close();
      data = null;
      const done = await this.#read();
      if (done.code !== 226 && done.code !== 250) {
        throw new FtpError(`${line.split(' ')[0]} failed: ${text(done)}`, done);
      }
    } finally {
      listener?.close();
      data?.close();
    }
  }

  async #passiveConnect(): Promise<Socket> {
    const peer = this.#sock.getpeername() as [string, number];
    const host = unmapIpv4(String(peer[0]));
    const epsv = await this.#send('EPSV');
    if (epsv.code === 229)
      return createConnection([host, parseEpsvReply(epsv.lines[0] ?? '')], this.#timeout);
    const pasv = await this.#expect('PASV', 227);
    // The address in 227 is ignored (as curl and lftp do): a NATed server often gets it wrong.
    const port = parsePasvReply(pasv.lines.join(' ')).port;
    return createConnection([host, port], this.#timeout);
  }

  async #activeListen(): Promise<Socket> {
    const local = this.#sock.getsockname() as [string, number];
    const host = unmapIpv4(String(local[0]));
    const family = parseIpAddress(host)?.family === 6 ? AF_INET6 : AF_INET;
    const listener = new Socket(family);
    await listener.bind([host, 0]);
    await listener.listen(1);
    const port = (listener.getsockname() as [string, number])[1];
    const r = await this.#send(`EPRT ${formatEprtArg({ host, port })}`);
    if (r.code !== 200) {
      if (family === AF_INET6) throw new FtpError(`EPRT failed: ${text(r)}`, r);
      await this.#expect(`PORT ${formatPortArg({ host, port })}`, 200);
    }
    return listener;
  }

  /**
   * Downloads a file as a stream (binary type). The stream ends after the server's 226.
   *
   * @param path The remote file.
   * @param options REST offset and progress.
   * @returns The bytes.
   */
  getStream(path: string, options: TransferOptions = {}): Readable {
    const self = this;
    async function* chunks(): AsyncGenerator<Buffer> {
      const queue: Buffer[] = [];
      let wake: (() => void) | null = null;
      let finished = false;
      let failure: unknown = null;
      let total = 0;
      const work = self.#serial(async () => {
        await self.#expect('TYPE I', 200);
        await self.#transfer(`RETR ${path}`, options.offset ?? 0, async (data) => {
          for (;;) {
            const chunk = await data.recv(256 * 1024);
            if (chunk.length === 0) return;
            total += chunk.length;
            options.onProgress?.(total);
            queue.push(chunk);
            wake?.();
            // Backpressure: stop reading while the consumer has not taken what is queued.
            while (queue.length > 4) await new Promise<void>((r) => setImmediate(r));
          }
        });
      });
      work.then(
        () => {
          finished = true;
          wake?.();
        },
        (err: unknown) => {
          failure = err;
          finished = true;
          wake?.();
        },
      );
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (finished) {
          if (failure !== null) throw failure;
          return;
        }
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = null;
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  /**
   * Downloads a file to disk; with `resume`, continues a partial local file (REST).
   *
   * @param remote The remote file.
   * @param local The local path.
   * @param options `resume` and progress.
   */
  async get(
    remote: string,
    local: string,
    options: { resume?: boolean; onProgress?: (bytes: number) => void } = {},
  ): Promise<void> {
    let offset = 0;
    if (options.resume) offset = statSafe(local);
    const stream = this.getStream(remote, {
      offset,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    await pipeline(
      stream,
      createWriteStream(local, offset > 0 ? { flags: 'r+', start: offset } : {}),
    );
  }

  /**
   * Uploads a stream (STOR, or APPE with `append`; REST `offset` to resume).
   *
   * @param remote The remote file.
   * @param source The bytes.
   * @param options `append`, REST offset and progress.
   */
  putStream(
    remote: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: TransferOptions & { append?: boolean } = {},
  ): Promise<void> {
    return this.#serial(async () => {
      await this.#expect('TYPE I', 200);
      const verb = options.append ? 'APPE' : 'STOR';
      let total = 0;
      await this.#transfer(`${verb} ${remote}`, options.offset ?? 0, async (data) => {
        for await (const chunk of source) {
          await data.sendall(chunk);
          total += chunk.length;
          options.onProgress?.(total);
        }
        // Half-close (TLS: close_notify) and wait for the server to close its side.
        data.shutdown(SHUT_WR);
        while ((await data.recv(4096)).length > 0) {
          // the server sends nothing on an upload connection
        }
      });
    });
  }

  /**
   * Uploads a file from disk; with `resume`, sends only what the server lacks (SIZE + REST).
   *
   * @param local The local path.
   * @param remote The remote file.
   * @param options `resume` and progress.
   */
  async put(
    local: string,
    remote: string,
    options: { resume?: boolean; onProgress?: (bytes: number) => void } = {},
  ): Promise<void> {
    let offset = 0;
    if (options.resume) offset = await this.size(remote).catch(() => 0);
    await this.putStream(remote, createReadStream(local, { start: offset }), {
      offset,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  /** Says goodbye (QUIT) and closes. */
  async quit(): Promise<void> {
    try {
      await this.#serial(() => this.#send('QUIT'));
    } finally {
      this.close();
    }
  }

  /** Closes the control connection at once. */
  close(): void {
    this.#sock.close();
  }
}

function statSafe(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
