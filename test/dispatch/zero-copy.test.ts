import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AsyncChat,
  type ChannelSocket,
  Dispatcher,
  DispatcherWithSend,
  loop,
  type Producer,
  type SocketMap,
} from '../../src/dispatch/index.js';
import { client, freshMap, listenOnLoopback, readAll, readExactly, within } from './helpers.js';

/** `size` bytes that differ from offset to offset, so a misplaced or stale chunk shows. */
function pattern(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** Echoes what it reads, handing each chunk `recv()` returned over uncopied. */
class ZeroCopyEcho extends DispatcherWithSend {
  override handleRead(): void {
    const data = this.recv(256 * 1024);
    if (data.length > 0) this.send(data, { owned: true });
  }
  override handleClose(): void {
    this.close();
  }
}

/** A listener that makes one channel per connection with `make`. */
class Listener extends Dispatcher {
  constructor(
    map: SocketMap,
    readonly make: (sock: ChannelSocket, map: SocketMap) => void,
  ) {
    super(null, map);
  }
  override handleAccepted(sock: ChannelSocket): void {
    this.make(sock, this.map);
    this.close();
  }
}

const CHUNK = 64 * 1024;
const CHUNKS = 160;

/** Chunk `n`'s bytes: different in every chunk and at every offset, so a stale one shows. */
function fillChunk(buffer: Buffer, n: number): Buffer {
  for (let i = 0; i < buffer.length; i += 4) buffer.writeUInt32LE((n * 0x9e3779b1 + i) >>> 0, i);
  return buffer;
}

/** Makes CHUNKS chunks, into a spare when given one, and records what it was given. */
class CountingProducer implements Producer {
  readonly freshChunks = true;
  readonly made = new Set<Buffer>();
  spares = 0;
  strangers = 0;
  #next = 0;
  more(spare?: Buffer): Uint8Array {
    if (this.#next === CHUNKS) return new Uint8Array(0);
    if (spare !== undefined) {
      this.spares++;
      if (!this.made.has(spare)) this.strangers++;
    }
    const chunk = fillChunk(spare ?? Buffer.allocUnsafeSlow(CHUNK), this.#next++);
    this.made.add(chunk);
    return chunk;
  }
}

/** A channel that only sends. */
class Pusher extends AsyncChat {
  override collectIncomingData(): void {}
  override foundTerminator(): void {}
  override handleConnect(): void {}
}

/** A producer that writes every chunk into the same buffer: its chunks must be copied. */
class ReusingProducer implements Producer {
  readonly #buffer = Buffer.alloc(100_000);
  #left: number;
  constructor(chunks: number) {
    this.#left = chunks;
  }
  more(): Uint8Array {
    if (this.#left === 0) return new Uint8Array(0);
    this.#buffer.fill(0x41 + --this.#left);
    return this.#buffer;
  }
}

describe('buffers handed over (owned)', () => {
  test('DispatcherWithSend echoes 8 MiB intact when each received chunk is handed over', async () => {
    const map = freshMap();
    const server = new Listener(map, (sock, m) => new ZeroCopyEcho(sock, m));
    const port = await listenOnLoopback(server);
    const running = loop({ map, timeout: 1 });
    const sock = await client(port);
    const data = pattern(8 << 20, 7);
    const [, echoed] = await within(
      Promise.all([sock.sendall(data), readExactly(sock, data.length)]),
    );
    assert.ok(echoed.equals(data));
    sock.close();
    await within(running);
  });

  test('AsyncChat sends handed-over buffers uncopied, copies the caller’s, and copies a producer’s reused buffer', async () => {
    const map = freshMap();
    const first = pattern(4 << 20, 1);
    const caller = pattern(300_000, 2);
    const fresh = pattern(200_000, 3);
    const server = new Listener(map, (sock, m) => {
      const chat = new Pusher(sock, m);
      chat.push(first, { owned: true });
      // Queued behind the first: push() must copy it, as the caller reuses it at once.
      chat.push(caller);
      caller.fill(0);
      chat.pushWithProducer(new ReusingProducer(4));
      let given = false;
      chat.pushWithProducer({
        freshChunks: true,
        more: () => {
          if (given) return new Uint8Array(0);
          given = true;
          return Buffer.from(fresh);
        },
      });
      chat.push('end', { owned: true });
      chat.closeWhenDone();
    });
    const port = await listenOnLoopback(server);
    const running = loop({ map, timeout: 1 });
    const sock = await client(port);
    const got = await readAll(sock, 2048);
    const reused = [0x44, 0x43, 0x42, 0x41].map((byte) => Buffer.alloc(100_000, byte));
    const expected = Buffer.concat([
      first,
      pattern(300_000, 2),
      ...reused,
      fresh,
      Buffer.from('end'),
    ]);
    assert.equal(got.length, expected.length);
    assert.ok(got.equals(expected));
    sock.close();
    await within(running);
  });

  test('AsyncChat gives a fresh producer its own sent chunks back to refill, and a slow reader still gets every byte as made', async () => {
    const map = freshMap();
    const producer = new CountingProducer();
    const server = new Listener(map, (sock, m) => {
      const chat = new Pusher(sock, m);
      chat.push('head\n');
      chat.pushWithProducer(producer, CHUNK * CHUNKS);
      chat.push('tail\n');
      chat.closeWhenDone();
    });
    const port = await listenOnLoopback(server);
    const running = loop({ map, timeout: 1 });
    const sock = await client(port);
    const got = await readAll(sock, 4096);
    const expected = Buffer.concat([
      Buffer.from('head\n'),
      ...Array.from({ length: CHUNKS }, (_, n) => fillChunk(Buffer.alloc(CHUNK), n)),
      Buffer.from('tail\n'),
    ]);
    assert.equal(got.length, expected.length);
    assert.ok(got.equals(expected), 'the bytes read are the bytes made');
    assert.ok(producer.spares > CHUNKS / 2, `spares given: ${producer.spares} of ${CHUNKS} chunks`);
    assert.equal(producer.strangers, 0, 'every spare was one of its own chunks');
    assert.ok(
      producer.made.size < CHUNKS / 2,
      `${producer.made.size} buffers for ${CHUNKS} chunks`,
    );
    sock.close();
    await within(running);
  });
});
