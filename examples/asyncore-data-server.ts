/**
 * asyncore's classic pair in one file: a `DataServer` (a listening `Dispatcher` that makes a
 * channel for each connection) whose channels stream data to the client with producers, and a
 * client `Dispatcher` that connects and counts what it receives. One `loop()` serves them all.
 *
 *     node --import tsx examples/asyncore-data-server.ts [port] [file]     # the server
 *     node --import tsx examples/asyncore-data-server.ts --client [port] [connections]
 *
 * The port defaults to 8888 (0 picks a free one). The server sends each client a header line
 * `SIZE <n>` and then n bytes: the file given, or 1 MiB of generated text. It sends with
 * producers, so a slow client makes its channel stop pulling data instead of buffering it:
 * the server never holds more than a chunk per client. The client checks it got n bytes and
 * exits with status 1 if not. Ctrl-C stops the server.
 */
import { statSync } from 'node:fs';
import {
  AsyncChat,
  type ChannelSocket,
  CompositeProducer,
  closeAll,
  Dispatcher,
  FileProducer,
  loop,
  type Producer,
  SimpleProducer,
} from '../src/dispatch/index.js';
import type { SocketAddress } from '../src/socket/index.js';

const HOST = '127.0.0.1';
const GENERATED_SIZE = 1024 * 1024;

/** Makes `size` bytes of text on demand, a chunk per call, so nothing is held in memory. */
class PatternProducer implements Producer {
  static readonly #line = Buffer.from('polyport streams this line with a producer.\n');
  readonly #size: number;
  #sent = 0;

  constructor(size: number) {
    this.#size = size;
  }

  more(): Uint8Array {
    const length = Math.min(this.#size - this.#sent, 16 * 1024);
    // Start where the last chunk stopped in the line, so the text runs on across chunks.
    const skip = this.#sent % PatternProducer.#line.length;
    const chunk = Buffer.alloc(skip + length, PatternProducer.#line).subarray(skip);
    this.#sent += length;
    return chunk;
  }
}

/** One client's channel: pushes the header and the body, then closes once all is sent. */
class DataChannel extends AsyncChat {
  constructor(sock: ChannelSocket, size: number, body: Producer) {
    super(sock);
    this.pushWithProducer(new CompositeProducer([new SimpleProducer(`SIZE ${size}\r\n`), body]));
    this.closeWhenDone();
  }

  // The server only sends; what a client sends is read and dropped.
  override collectIncomingData(): void {}
  override foundTerminator(): void {}
}

/** The listening dispatcher: accepts connections and gives each a `DataChannel`. */
class DataServer extends Dispatcher {
  /** Settles once the socket is bound and listening (Node binds asynchronously). */
  readonly ready: Promise<void>;
  readonly #file: string | undefined;

  constructor(host: string, port: number, file?: string) {
    super();
    this.#file = file;
    this.createSocket();
    this.setReuseAddr();
    void this.bind([host, port]);
    this.ready = this.listen(5);
  }

  override handleAccepted(sock: ChannelSocket, addr: SocketAddress): void {
    const file = this.#file;
    // A file is opened per client, at its first chunk: a FileProducer reads as the socket drains.
    const size = file === undefined ? GENERATED_SIZE : statSync(file).size;
    const body = file === undefined ? new PatternProducer(size) : new FileProducer(file);
    console.log(`sending ${size} bytes to ${formatAddress(addr)}`);
    new DataChannel(sock, size, body);
  }
}

/** The client: connects, reads the header, counts the body and reports when the server closes. */
class DataClient extends Dispatcher {
  #header = '';
  #expected = -1;
  #received = 0;

  constructor(host: string, port: number) {
    super();
    this.createSocket();
    void this.connect([host, port]);
  }

  override handleConnect(): void {}

  // Nothing to send: without this the loop would offer write events for ever, as in asyncore.
  override writable(): boolean {
    return false;
  }

  override handleRead(): void {
    let data = this.recv(65536);
    if (this.#expected < 0 && data.length > 0) {
      // The header may arrive split across reads: keep it until its line ends.
      this.#header += data.toString('latin1');
      const end = this.#header.indexOf('\r\n');
      if (end === -1) return;
      this.#expected = Number(/^SIZE (\d+)$/.exec(this.#header.slice(0, end))?.[1] ?? Number.NaN);
      data = Buffer.from(this.#header.slice(end + 2), 'latin1');
    }
    this.#received += data.length;
  }

  override handleClose(): void {
    const ok = this.#received === this.#expected;
    console.log(`received ${this.#received} of ${this.#expected} bytes${ok ? '' : ' (short!)'}`);
    if (!ok) process.exitCode = 1;
    this.close();
  }

  override handleError(error: unknown): void {
    console.error(`client: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    this.close();
  }
}

function formatAddress(addr: SocketAddress): string {
  return typeof addr === 'string' ? addr : `${addr[0]}:${addr[1]}`;
}

const args = process.argv.slice(2);
if (args[0] === '--client') {
  const port = Number(args[1] ?? 8888);
  const connections = Number(args[2] ?? 1);
  for (let i = 0; i < connections; i++) new DataClient(HOST, port);
  // loop() returns once every client has closed: the map is empty.
  await loop();
} else {
  const port = Number(args[0] ?? 8888);
  const server = new DataServer(HOST, port, args[1]);
  await server.ready;
  const [host, boundPort] = server.socket!.getsockname() as [string, number];
  // closeAll() empties the map, and loop() returns.
  process.once('SIGINT', () => closeAll());
  // Announce the port only now that Ctrl-C is handled: whoever reads it may signal at once.
  console.log(`listening on ${host}:${boundPort}`);
  await loop();
  console.log('server stopped');
}
