import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  AsyncChat,
  type ChannelSocket,
  CompositeProducer,
  closeAll,
  Dispatcher,
  ExitNow,
  FileProducer,
  loop,
  type Producer,
  SimpleProducer,
  type SocketMap,
} from '../../src/dispatch/index.js';
import { memorySocketPair, StringTransport } from '../../src/testing/index.js';
import { client, freshMap, listenOnLoopback, readAll, sleep, within } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'polyport-producers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Drains a synchronous producer. */
function drain(producer: Producer): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const chunk = producer.more();
    assert.ok(!(chunk instanceof Promise), '!(chunk instanceof Promise)');
    if (chunk.length === 0) return out;
    out.push(Buffer.from(chunk));
  }
}

/** An AsyncChat that only sends; it counts the bytes its socket took. */
class Sender extends AsyncChat {
  socketTook = 0;
  errors: unknown[] = [];
  override collectIncomingData(): void {}
  override foundTerminator(): void {}
  override send(data: Uint8Array | string): number {
    const sent = super.send(data);
    this.socketTook += sent;
    return sent;
  }
  override handleError(error: unknown): void {
    this.errors.push(error);
    this.close();
  }
}

/** Wraps a producer, counting its `more()` calls and what it produced. */
class Counting implements Producer {
  calls = 0;
  produced = 0;
  readonly #inner: Producer;
  readonly #onMore: () => void;
  constructor(inner: Producer, onMore: () => void = () => {}) {
    this.#inner = inner;
    this.#onMore = onMore;
  }
  more(): Uint8Array | Promise<Uint8Array> {
    this.calls += 1;
    this.#onMore();
    const chunk = this.#inner.more();
    if (chunk instanceof Promise) {
      return chunk.then((c) => {
        this.produced += c.length;
        return c;
      });
    }
    this.produced += chunk.length;
    return chunk;
  }
  close(): void {
    this.#inner.close?.();
  }
}

/** Produces `size`-byte chunks for ever. */
class Endless implements Producer {
  constructor(private readonly size = 16 * 1024) {}
  more(): Uint8Array {
    return Buffer.alloc(this.size, 0x2e);
  }
}

describe('SimpleProducer and CompositeProducer', () => {
  test('SimpleProducer hands out its data in chunks of at most bufferSize, then empty', () => {
    assert.deepEqual(drain(new SimpleProducer('abcdefg', 3)).map(String), ['abc', 'def', 'g']);
    assert.deepEqual(drain(new SimpleProducer('')), []);
    assert.throws(() => new SimpleProducer('x', 0), RangeError);
  });

  test('CompositeProducer produces its producers one after another and closes the rest on close()', async () => {
    let closed = 0;
    const composite = new CompositeProducer([
      new SimpleProducer('ab', 1),
      { more: () => Buffer.alloc(0), close: () => void (closed += 1) },
      new SimpleProducer('cd', 5),
    ]);
    assert.deepEqual(drain(composite).map(String), ['a', 'b', 'cd']);
    const early = new CompositeProducer([
      new SimpleProducer('x'),
      { more: () => Buffer.from('y'), close: () => void (closed += 1) },
    ]);
    early.more();
    early.close();
    assert.equal(closed, 1);
  });

  test('CompositeProducer waits for an async producer and goes on after it', async () => {
    let n = 0;
    const asyncOne: Producer = {
      more: async () => (n++ < 2 ? Buffer.from(`async${n}`) : Buffer.alloc(0)),
    };
    const composite = new CompositeProducer([asyncOne, new SimpleProducer('sync')]);
    const out: string[] = [];
    for (;;) {
      const chunk = await composite.more();
      if (chunk.length === 0) break;
      out.push(Buffer.from(chunk).toString());
    }
    assert.deepEqual(out, ['async1', 'async2', 'sync']);
  });
});

describe('FileProducer', () => {
  const path = join(dir, 'small.bin');
  writeFileSync(path, '0123456789');

  test('FileProducer streams a file in chunks of bufferSize', () => {
    assert.deepEqual(drain(new FileProducer(path, { bufferSize: 4 })).map(String), [
      '0123',
      '4567',
      '89',
    ]);
  });

  test('FileProducer sends only the range from start to end', () => {
    assert.equal(
      Buffer.concat(drain(new FileProducer(path, { start: 2, end: 7, bufferSize: 2 }))).toString(),
      '23456',
    );
    assert.deepEqual(drain(new FileProducer(path, { start: 20 })), []);
  });

  test('FileProducer takes an open descriptor and closes it at the end', () => {
    const fd = openSync(path, 'r');
    assert.equal(Buffer.concat(drain(new FileProducer(fd))).toString(), '0123456789');
    assert.throws(() => fstatSync(fd), { code: 'EBADF' });
  });

  test('FileProducer refuses a bad chunk size or range', () => {
    assert.throws(() => new FileProducer(path, { bufferSize: 0 }), RangeError);
    assert.throws(() => new FileProducer(path, { start: -1 }), RangeError);
    assert.throws(() => new FileProducer(path, { start: 5, end: 4 }), RangeError);
  });

  test('a missing file fails on the first more(): thrown to a caller outside any hook', () => {
    const chat = new Sender(new StringTransport(), freshMap());
    assert.throws(() => chat.pushWithProducer(new FileProducer(join(dir, 'missing'))), {
      code: 'ENOENT',
    });
    chat.close();
  });

  test('a missing file pushed from a hook closes that channel through handleError', async () => {
    const map = freshMap();
    class Reader extends Sender {
      override handleRead(): void {
        this.recv(100);
        this.pushWithProducer(new FileProducer(join(dir, 'missing')));
      }
    }
    const transport = new StringTransport();
    const chat = new Reader(transport, map);
    transport.feed('GET missing\r\n');
    await within(loop({ map }), 5000, 'loop');
    assert.equal((chat.errors[0] as NodeJS.ErrnoException).code, 'ENOENT');
    assert.equal(transport.closed, true);
  });
});

describe('producers over loopback', () => {
  test('FileProducer streams a 20 MiB file intact, never holding more than one chunk in the channel', async () => {
    const path = join(dir, 'big.bin');
    const size = 20 * 1024 * 1024;
    const content = randomBytes(size);
    writeFileSync(path, content);
    const expected = createHash('sha256').update(content).digest('hex');
    const map = freshMap();
    let sender: Sender | null = null;
    let counting: Counting | null = null;
    let worst = 0;
    class Server extends Dispatcher {
      override handleAccepted(sock: ChannelSocket): void {
        const chat = new Sender(sock, this.map);
        sender = chat;
        // At each pull, whatever was produced before must already be in the socket's hands.
        counting = new Counting(new FileProducer(path), () => {
          worst = Math.max(worst, (counting?.produced ?? 0) - chat.socketTook);
        });
        chat.pushWithProducer(counting);
        chat.closeWhenDone();
        this.close();
      }
    }
    const port = await listenOnLoopback(new Server(null, map));
    const running = loop({ map });
    const c = await client(port);
    const received = await readAll(c);
    await within(running, 20_000, 'loop');
    assert.equal(received.length, size);
    assert.equal(createHash('sha256').update(received).digest('hex'), expected);
    assert.equal(worst, 0, 'the channel pulled only once the socket had taken everything before');
    assert.ok(sender !== null && counting !== null, 'sender !== null && counting !== null');
    assert.ok(
      (counting as Counting).calls >= size / (64 * 1024),
      '(counting as Counting).calls >= size / (64 * 1024)',
    );
    c.close();
  });

  test('a peer that does not read makes the channel stop pulling from its producer', async () => {
    const map = freshMap();
    let counting: Counting | null = null;
    class Server extends Dispatcher {
      override handleAccepted(sock: ChannelSocket): void {
        const chat = new Sender(sock, this.map);
        counting = new Counting(new Endless());
        chat.pushWithProducer(counting);
        this.close();
      }
    }
    const port = await listenOnLoopback(new Server(null, map));
    const running = loop({ map });
    const c = await client(port);
    await sleep(300);
    const stalled = (counting as Counting | null)?.calls ?? 0;
    assert.ok(stalled > 0, 'stalled > 0');
    await sleep(300);
    assert.equal(
      (counting as Counting | null)?.calls,
      stalled,
      'no more() while the peer reads nothing',
    );
    // Reading resumes the pulls (once the kernel's buffers have room again).
    const deadline = performance.now() + 5000;
    while (
      ((counting as Counting | null)?.calls ?? 0) === stalled &&
      performance.now() < deadline
    ) {
      await c.recv(1 << 20);
    }
    assert.ok(((counting as Counting | null)?.calls ?? 0) > stalled, 'reading resumed the pulls');
    closeAll(map);
    await within(running, 5000, 'loop');
    c.close();
  });

  test('async producers are awaited in order, and a failing one closes its channel only', async () => {
    const map = freshMap();
    const senders: Sender[] = [];
    class Server extends Dispatcher {
      override handleAccepted(sock: ChannelSocket): void {
        const chat = new Sender(sock, this.map);
        senders.push(chat);
        let n = 0;
        const failing = senders.length === 2;
        chat.pushWithProducer({
          more: async () => {
            await sleep(2);
            if (failing && n === 2) throw new Error('disk on fire');
            return n < 5 ? Buffer.from(`chunk${n++};`) : Buffer.alloc(0);
          },
        });
        chat.closeWhenDone();
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const good = await client(port);
    await sleep(20);
    const bad = await client(port);
    const [goodData, badData] = await Promise.all([readAll(good), readAll(bad)]);
    assert.equal(goodData.toString(), 'chunk0;chunk1;chunk2;chunk3;chunk4;');
    assert.equal(badData.toString(), 'chunk0;chunk1;');
    assert.equal(senders[0]?.errors.length, 0);
    assert.match(String(senders[1]?.errors[0]), /disk on fire/);
    server.close();
    await within(running, 5000, 'loop');
    good.close();
    bad.close();
  });

  test('an async producer that throws synchronously after a wait, or ExitNow, is handled without an unhandled rejection', async () => {
    const map: SocketMap = freshMap();
    const [a, b] = memorySocketPair();
    const chat = new Sender(a, map);
    let step = 0;
    chat.pushWithProducer({
      more: () => {
        step += 1;
        if (step === 1) return Promise.resolve(Buffer.from('first'));
        throw new ExitNow('stop after the first chunk');
      },
    });
    await assert.rejects(within(loop({ map }), 5000, 'loop'), ExitNow);
    assert.equal(b.recvNowait(100)?.toString(), 'first');
    closeAll(map);
  });
});
