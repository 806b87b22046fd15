/**
 * `FtpClient`: an FTP client with a Promise API on polyport sockets — login, AUTH TLS with
 * PROT P, directory commands, listings parsed into entries, and streaming transfers in passive
 * (EPSV, then PASV) or active (EPRT/PORT) mode.
 */

import { rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CLIENT_READ_SIZE,
  releaseReceived,
  SHUT_WR,
  type Socket,
  type SSLContext,
} from '../../../socket/index.js';
import { receiveForDownload } from '../../common/download-receive.js';
import { FileSink } from '../../common/file-sink.js';
import { FileSource } from '../../common/file-source.js';
import { sendFile } from '../../common/send-file.js';
import type { FileEntry } from '../codec/file-entry.js';
import { parseListing } from '../codec/list-parser.js';
import { parseMlsxLine } from '../codec/mlsx.js';
import type { Reply } from '../codec/reply.js';
import { parsePathnameReply } from '../codec/virtual-path.js';
import { ChunkQueue } from './chunk-queue.js';
import { FtpControlConnection, FtpError, replyText } from './ftp-control-connection.js';

/**
 * The most bytes one receive on a data connection asks for: what the socket reads from the
 * kernel at a time, so a receive hands out the chunk it read rather than copying several
 * together.
 */
const DOWNLOAD_RECV = CLIENT_READ_SIZE;

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
  readonly #c: FtpControlConnection;
  readonly #host: string;
  readonly #timeout: number;
  readonly #active: boolean;
  #tls: SSLContext | null = null;
  #tlsName: string | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  /** The server's greeting. */
  welcome: Reply | null = null;

  private constructor(control: FtpControlConnection, host: string, options: FtpClientOptions) {
    this.#c = control;
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
    const control = await FtpControlConnection.open(host, port, options.timeout ?? 30);
    const client = new FtpClient(control, host, options);
    try {
      const hello = await client.#c.read();
      if (hello.code !== 220) throw new FtpError(`unexpected greeting: ${replyText(hello)}`, hello);
      client.welcome = hello;
    } catch (err) {
      control.close();
      throw err;
    }
    return client;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#lock.then(work, work);
    this.#lock = next.catch(() => {});
    return next;
  }

  /**
   * Sends one command and returns the reply, whatever its code.
   *
   * @param line The command line without CRLF.
   * @returns The reply.
   * @throws {TypeError} If the line holds CR or LF.
   */
  command(line: string): Promise<Reply> {
    return this.#serial(() => this.#c.send(line));
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
      const r = await this.#c.expect(`USER ${user}`, 230, 331);
      if (r.code === 331) await this.#c.expect(`PASS ${password}`, 230, 202);
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
      await this.#c.expect('AUTH TLS', 234);
      await this.#c.upgrade(context, serverHostname);
      this.#tls = context;
      this.#tlsName = serverHostname;
      await this.#c.expect('PBSZ 0', 200);
      await this.#c.expect('PROT P', 200);
    });
  }

  /** @returns The working directory. */
  pwd(): Promise<string> {
    return this.#serial(async () =>
      parsePathnameReply((await this.#c.expect('PWD', 257)).lines[0] ?? ''),
    );
  }

  /** @param path The directory to change to. */
  cwd(path: string): Promise<void> {
    return this.#serial(async () => void (await this.#c.expect(`CWD ${path}`, 250)));
  }

  /** @param path The directory to make. @returns Its path as the server names it. */
  mkdir(path: string): Promise<string> {
    return this.#serial(async () => {
      const r = await this.#c.expect(`MKD ${path}`, 257);
      return parsePathnameReply(r.lines[0] ?? '');
    });
  }

  /** @param path The (empty) directory to remove. */
  rmdir(path: string): Promise<void> {
    return this.#serial(async () => void (await this.#c.expect(`RMD ${path}`, 250)));
  }

  /** @param path The file to delete. */
  delete(path: string): Promise<void> {
    return this.#serial(async () => void (await this.#c.expect(`DELE ${path}`, 250)));
  }

  /** @param from The current name. @param to The new name. */
  rename(from: string, to: string): Promise<void> {
    return this.#serial(async () => {
      await this.#c.expect(`RNFR ${from}`, 350);
      await this.#c.expect(`RNTO ${to}`, 250);
    });
  }

  /** @param path A file. @returns Its size in bytes (SIZE, in binary type). */
  size(path: string): Promise<number> {
    return this.#serial(async () => {
      await this.#c.expect('TYPE I', 200);
      return Number((await this.#c.expect(`SIZE ${path}`, 213)).lines[0]);
    });
  }

  /** @param path A file. @returns Its modification time (MDTM). */
  mdtm(path: string): Promise<Date> {
    return this.#serial(async () => {
      const value = (await this.#c.expect(`MDTM ${path}`, 213)).lines[0] ?? '';
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
      const feat = await this.#c.send('FEAT');
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
    await this.#c.expect('TYPE A', 200);
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
      if (this.#active) listener = await this.#c.openActiveListener();
      else data = await this.#c.openPassive();
      if (offset > 0) await this.#c.expect(`REST ${offset}`, 350);
      const started = await this.#c.send(line);
      if (started.code !== 150 && started.code !== 125) {
        throw new FtpError(`${line.split(' ')[0]} failed: ${replyText(started)}`, started);
      }
      let sock: Socket;
      if (listener !== null) {
        listener.settimeout(this.#timeout);
        [sock] = await listener.accept();
        data = sock;
      } else if (data !== null) {
        sock = data;
      } else {
        throw new Error('no data connection: neither a passive nor an active one was opened');
      }
      sock.settimeout(this.#timeout);
      if (this.#tls !== null) {
        const name = this.#tlsName;
        sock = await this.#tls.wrapSocket(sock, name === undefined ? {} : { serverHostname: name });
        sock.settimeout(this.#timeout);
        data = sock;
      }
      receiveForDownload(sock);
      await move(sock);
      sock.close();
      data = null;
      const done = await this.#c.read();
      if (done.code !== 226 && done.code !== 250) {
        throw new FtpError(`${line.split(' ')[0]} failed: ${replyText(done)}`, done);
      }
    } finally {
      listener?.close();
      data?.close();
    }
  }

  /**
   * Downloads a file as a stream (binary type). The stream ends after the server's 226.
   *
   * @param path The remote file.
   * @param options REST offset and progress.
   * @returns The bytes.
   */
  getStream(path: string, options: TransferOptions = {}): Readable {
    const queue = new ChunkQueue(4);
    this.#download(path, options, () => (chunk) => queue.push(chunk)).then(
      () => queue.end(),
      (err: unknown) => queue.end(err),
    );
    return Readable.from(queue, { objectMode: false });
  }

  /**
   * Downloads a file to disk; with `resume`, continues a partial local file (REST). The file is
   * opened once the server starts sending, and written in large batches as the bytes come.
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
    const offset = options.resume ? statSafe(local) : 0;
    // The file, once the server starts sending (a refused download opens none): at most one.
    const sinks: FileSink[] = [];
    try {
      await this.#download(
        remote,
        { offset, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
        () => {
          // Each chunk is recv()'s and goes only to the sink: its memory can be reused once written.
          const sink = FileSink.open(local, { start: offset, release: releaseReceived });
          sinks.push(sink);
          return (chunk) => sink.write(chunk);
        },
      );
      for (const sink of sinks) sink.close();
    } catch (err) {
      for (const sink of sinks) sink.abandon();
      // A refused or cut download must not leave an empty or partial file behind as if it
      // were the server's; a resumed one keeps what it had before. Synchronous, as the sink's
      // own writes are: one unlink, and node:fs/promises (a dozen modules) stays unloaded.
      if (offset === 0 && sinks.length > 0) rmSync(local, { force: true });
      throw err;
    }
  }

  /**
   * RETR in binary type: once the server starts sending, `start()` gives where the bytes go,
   * and each received chunk is handed there (waiting when it returns a promise).
   */
  #download(
    path: string,
    options: TransferOptions,
    start: () => (chunk: Buffer) => Promise<void> | void,
  ): Promise<void> {
    return this.#serial(async () => {
      await this.#c.expect('TYPE I', 200);
      let total = 0;
      await this.#transfer(`RETR ${path}`, options.offset ?? 0, async (data) => {
        const take = start();
        for (;;) {
          const chunk = await data.recv(DOWNLOAD_RECV);
          if (chunk.length === 0) return;
          total += chunk.length;
          options.onProgress?.(total);
          const wait = take(chunk);
          if (wait !== undefined) await wait;
        }
      });
    });
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
    return this.#upload(remote, options, async (data, sent) => {
      for await (const chunk of source) {
        await data.sendall(chunk);
        sent(chunk.length);
      }
    });
  }

  /**
   * Uploads a file from disk; with `resume`, sends only what the server lacks (SIZE + REST).
   * The file is read in large chunks that go to the socket uncopied, each reused once the
   * socket is done with it, as the server sends a download.
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
    const source = new FileSource(local, { start: offset });
    const progress = options.onProgress ? { onProgress: options.onProgress } : {};
    try {
      await this.#upload(remote, { offset, ...progress }, async (data, sent) => {
        await sendFile(data, source, sent);
      });
    } finally {
      source.close();
    }
  }

  /** STOR or APPE in binary type: `send` moves the bytes, then the data connection is closed. */
  #upload(
    remote: string,
    options: TransferOptions & { append?: boolean },
    send: (data: Socket, sent: (bytes: number) => void) => Promise<void>,
  ): Promise<void> {
    return this.#serial(async () => {
      await this.#c.expect('TYPE I', 200);
      const verb = options.append ? 'APPE' : 'STOR';
      let total = 0;
      await this.#transfer(`${verb} ${remote}`, options.offset ?? 0, async (data) => {
        await send(data, (bytes) => {
          total += bytes;
          options.onProgress?.(total);
        });
        // Half-close (TLS: close_notify) and wait for the server to close its side.
        data.shutdown(SHUT_WR);
        while ((await data.recv(4096)).length > 0) {
          // the server sends nothing on an upload connection
        }
      });
    });
  }

  /** Says goodbye (QUIT) and closes. */
  async quit(): Promise<void> {
    try {
      await this.#serial(() => this.#c.send('QUIT'));
    } finally {
      this.close();
    }
  }

  /** Closes the control connection at once. */
  close(): void {
    this.#c.close();
  }
}

function statSafe(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
