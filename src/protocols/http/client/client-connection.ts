/**
 * `ClientConnection`: one HTTP/1.1 client connection — a polyport socket (plain or TLS) and the
 * response parser reading from it.
 */
import { CLIENT_READ_SIZE, type Socket } from '../../../socket/index.js';
import { receiveForDownload } from '../../common/download-receive.js';
import {
  ResponseParser,
  type ResponseParserEvent,
  type ResponseParserOptions,
} from '../codec/response-parser.js';

/**
 * A connection to one origin. Requests are written with {@link send}; response events are read
 * with {@link nextEvent}, which receives from the socket as the parser needs.
 *
 * @example
 * const conn = new ClientConnection('http://a:80', sock);
 * conn.parser.requestSent('GET');
 * await conn.send(encodeRequestHead({ method: 'GET', target: '/', headers: [['Host', 'a']] }));
 * const head = await conn.nextEvent(); // { type: 'response', status: 200, ... }
 */
export class ClientConnection {
  /** The pool key: scheme, host, port and TLS settings. */
  readonly key: string;
  readonly socket: Socket;
  readonly parser: ResponseParser;
  /** Exchanges completed on this connection (0: fresh). */
  uses = 0;
  /** Whether any byte of the current response has arrived. */
  received = false;
  #closed = false;

  /**
   * @param key The pool key.
   * @param socket A connected socket (its timeout bounds each read and write).
   * @param options Parser limits.
   */
  constructor(key: string, socket: Socket, options: ResponseParserOptions = {}) {
    this.key = key;
    this.socket = socket;
    this.parser = new ResponseParser(options);
    receiveForDownload(socket);
  }

  /** Whether the connection was closed. */
  get closed(): boolean {
    return this.#closed || this.socket.closed;
  }

  /**
   * Writes bytes, all of them.
   *
   * @param data The bytes.
   * @param owned The bytes are handed over: sent uncopied, so they must not change afterwards.
   * @throws {SocketError} When the peer is gone or the timeout passes.
   */
  async send(data: Uint8Array, owned = false): Promise<void> {
    await this.socket.sendall(data, 0, { owned });
  }

  /**
   * The next response event, receiving as needed.
   *
   * @returns The event.
   * @throws {SocketError} On a reset or timeout.
   */
  async nextEvent(): Promise<ResponseParserEvent> {
    for (;;) {
      const event = this.parser.nextEvent();
      if (event !== null) return event;
      if (this.parser.finished)
        return { type: 'error', reason: 'connection cannot be read further' };
      // As much as the socket reads at a time: the chunk it read, handed out uncopied.
      const data = await this.socket.recv(CLIENT_READ_SIZE);
      if (data.length === 0) this.parser.connectionClosed();
      else {
        this.received = true;
        this.parser.receiveData(data);
      }
    }
  }

  /**
   * Whether the idle connection is still usable: nothing unexpected arrived and the server did
   * not close it while it sat in the pool.
   *
   * @returns `true` when it may carry another request.
   */
  stillUsable(): boolean {
    if (this.closed || this.parser.finished) return false;
    try {
      return this.socket.recvNowait(1) === null;
    } catch {
      return false;
    }
  }

  /** Closes the socket. */
  close(): void {
    this.#closed = true;
    this.socket.close();
  }
}
