import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AsyncChat,
  type ChannelSocket,
  closeAll,
  Dispatcher,
  loop,
  SimpleProducer,
  type SocketMap,
  type Terminator,
} from '../../src/dispatch/index.js';
import { IPPROTO_TCP, TCP_NODELAY } from '../../src/socket/index.js';
import { chunkings, memorySocketPair, StringTransport } from '../../src/testing/index.js';
import { client, freshMap, listenOnLoopback, readExactly, sleep, within } from './helpers.js';

/** Records every unit it receives: `[data, terminator at the time]`. */
class Recorder extends AsyncChat {
  readonly units: string[] = [];
  readonly pieces: string[] = [];
  onUnit: ((unit: string) => void) | null = null;
  constructor(sock: ChannelSocket, map: SocketMap, term: Terminator) {
    super(sock, map);
    this.setTerminator(term);
  }
  override collectIncomingData(data: Buffer): void {
    this.pieces.push(data.toString('latin1'));
    this.incoming.push(data);
  }
  override foundTerminator(): void {
    const unit = this.getData().toString('latin1');
    this.units.push(unit);
    this.onUnit?.(unit);
  }
}

/** Feeds `chunks` one read at a time into a fresh Recorder and returns it. */
function feed(term: Terminator, chunks: readonly (string | Buffer)[]): Recorder {
  const transport = new StringTransport();
  const chat = new Recorder(transport, freshMap(), term);
  for (const chunk of chunks) {
    // An empty read is the end of the stream to a socket reader: no such chunk reaches it.
    if (chunk.length === 0) continue;
    transport.feed(chunk);
    chat.handleRead();
  }
  return chat;
}

describe('AsyncChat terminators (in memory)', () => {
  test('a string terminator splits lines the same whole, byte by byte and at every offset', () => {
    const text = 'HELO a\r\nMAIL FROM:<b>\r\n\r\nQUIT\r\npartial';
    for (const { label, chunks } of chunkings(text)) {
      const chat = feed('\r\n', chunks);
      assert.deepEqual(chat.units, ['HELO a', 'MAIL FROM:<b>', '', 'QUIT'], label);
    }
  });

  test('a terminator cut by a read is recognised, and a false start is passed on as data', () => {
    for (const { label, chunks } of chunkings('abcENxENDdefEND')) {
      assert.deepEqual(feed('END', chunks).units, ['abcENx', 'def'], label);
    }
  });

  test('data before a partial terminator reaches collectIncomingData at once', () => {
    const chat = feed('\r\n', ['abc\r']);
    assert.deepEqual(chat.pieces, ['abc']);
    assert.deepEqual(chat.units, []);
  });

  test('a byte-count terminator collects exactly that many bytes and counts down across reads', () => {
    const transport = new StringTransport();
    const chat = new Recorder(transport, freshMap(), 5);
    transport.feed('ab');
    chat.handleRead();
    assert.equal(chat.getTerminator(), 3);
    transport.feed('cdefg');
    chat.handleRead();
    assert.deepEqual(chat.units, ['abcde']);
    assert.equal(chat.getTerminator(), 0);
  });

  test('a count that has run out collects everything, as asynchat does, instead of looping', () => {
    const chat = feed(3, ['abcdefgh']);
    assert.deepEqual(chat.units, ['abc']);
    assert.deepEqual(chat.pieces, ['abc', 'defgh']);
    const zero = feed(0, ['xyz']);
    assert.deepEqual(zero.units, []);
    assert.deepEqual(zero.pieces, ['xyz']);
  });

  test('a null terminator hands everything to collectIncomingData and never calls foundTerminator', () => {
    const chat = feed(null, ['abc\r\n', 'def']);
    assert.deepEqual(chat.pieces, ['abc\r\n', 'def']);
    assert.deepEqual(chat.units, []);
  });

  test('a terminator changed inside foundTerminator applies to the rest of the same read', () => {
    // A line announces a body length; the body follows; then lines again.
    const text = 'SIZE 5\r\nhelloNEXT\r\nSIZE 3\r\nabcEND\r\n';
    for (const { label, chunks } of chunkings(text)) {
      const transport = new StringTransport();
      const chat = new Recorder(transport, freshMap(), '\r\n');
      chat.onUnit = (unit) => {
        const size = /^SIZE (\d+)$/.exec(unit);
        chat.setTerminator(size ? Number(size[1]) : '\r\n');
      };
      for (const chunk of chunks) {
        if (chunk.length === 0) continue;
        transport.feed(chunk);
        chat.handleRead();
      }
      assert.deepEqual(chat.units, ['SIZE 5', 'hello', 'NEXT', 'SIZE 3', 'abc', 'END'], label);
    }
  });

  test('a string terminator is matched as UTF-8, as push() sends strings', () => {
    assert.deepEqual(
      feed('§', [Buffer.from('a§b§')]).units.map((u) => Buffer.from(u, 'latin1').toString()),
      ['a', 'b'],
    );
  });

  test('a handler that closes the channel stops the splitting of input already read', () => {
    const transport = new StringTransport();
    const chat = new Recorder(transport, freshMap(), '\n');
    chat.onUnit = () => chat.close();
    transport.feed('one\ntwo\nthree\n');
    chat.handleRead();
    assert.deepEqual(chat.units, ['one']);
  });

  test('setTerminator() refuses an empty string, a negative or fractional count', () => {
    const chat = new Recorder(new StringTransport(), freshMap(), null);
    assert.throws(() => chat.setTerminator(''), RangeError);
    assert.throws(() => chat.setTerminator(-1), RangeError);
    assert.throws(() => chat.setTerminator(1.5), RangeError);
  });

  test('random input split at random places gives the same lines as the input fed whole', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 8 }),
        (bytes, cuts) => {
          const data = Buffer.from(bytes);
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let last = 0;
          for (const p of points) {
            chunks.push(data.subarray(last, p));
            last = p;
          }
          chunks.push(data.subarray(last));
          const whole = feed('\r\n', [data]);
          const split = feed('\r\n', chunks);
          assert.deepEqual(split.units, whole.units);
          assert.equal(split.pieces.join(''), whole.pieces.join(''));
        },
      ),
    );
  });
});

describe('AsyncChat output (in memory)', () => {
  test('push() sends at once and queues what the socket cannot take', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 8 });
    const chat = new Recorder(a, freshMap(), null);
    chat.push('hello ');
    chat.push(Buffer.from('world!'));
    assert.equal(b.recvNowait(100)?.toString(), 'hello wo');
    assert.equal(chat.outputPending, true);
    assert.equal(chat.writable(), true);
    chat.handleWrite();
    assert.equal(b.recvNowait(100)?.toString(), 'rld!');
    assert.equal(chat.outputPending, false);
    assert.equal(chat.writable(), false);
  });

  test('push() copies what it keeps, so the caller may reuse its buffer at once', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 4 });
    const chat = new Recorder(a, freshMap(), null);
    const buffer = Buffer.from('abcdefgh');
    chat.push(buffer);
    buffer.fill(0x78);
    b.recvNowait(100);
    chat.handleWrite();
    assert.equal(b.recvNowait(100)?.toString(), 'efgh');
  });

  test('push() refuses what is neither bytes nor a string', () => {
    const chat = new Recorder(new StringTransport(), freshMap(), null);
    assert.throws(() => chat.push(42 as never), TypeError);
  });

  test('pushWithProducer() pulls chunks in order after data pushed before it', () => {
    const transport = new StringTransport();
    const chat = new Recorder(transport, freshMap(), null);
    chat.push('header\n');
    chat.pushWithProducer(new SimpleProducer('body of the message', 4));
    chat.push('\ntrailer');
    assert.equal(transport.text(), 'header\nbody of the message\ntrailer');
  });

  test('closeWhenDone() closes once everything queued before it is sent', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 4 });
    const chat = new Recorder(a, freshMap(), null);
    chat.push('12345678');
    chat.closeWhenDone();
    assert.equal(a.closed, false);
    assert.equal(b.recvNowait(100)?.toString(), '1234');
    chat.handleWrite();
    assert.equal(a.closed, true);
    assert.equal(b.recvNowait(100)?.toString(), '5678');
    assert.equal(b.recvNowait(100)?.length, 0, 'then end of stream');
  });

  test('discardBuffers() drops unsent output (closing its producers) and unread input', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 2 });
    const chat = new Recorder(a, freshMap(), '\n');
    let closed = false;
    chat.push('abcdef');
    chat.pushWithProducer({ more: () => Buffer.from('x'), close: () => void (closed = true) });
    a.feed('partial');
    chat.handleRead();
    chat.discardBuffers();
    assert.equal(closed, true);
    assert.equal(chat.outputPending, false);
    b.recvNowait(100);
    chat.handleWrite();
    assert.equal(b.recvNowait(100), null, 'nothing more is sent');
    a.feed(' line\n');
    chat.handleRead();
    assert.deepEqual(chat.units, [' line'], 'the partial input was dropped');
  });
});

describe('AsyncChat queuedBytes (in memory)', () => {
  test('queuedBytes counts pushed bytes the socket has not taken, and falls as they are sent', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 4 });
    const chat = new Recorder(a, freshMap(), null);
    chat.push('abcdefgh');
    chat.push('ij');
    assert.equal(chat.queuedBytes, 6);
    b.recvNowait(100);
    chat.handleWrite();
    assert.equal(chat.queuedBytes, 2);
    b.recvNowait(100);
    chat.handleWrite();
    assert.equal(chat.queuedBytes, 0);
  });

  test('a producer with a size counts by what it will produce before it is pulled, never twice', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 4 });
    const chat = new Recorder(a, freshMap(), null);
    chat.push('head');
    assert.equal(chat.queuedBytes, 0, 'the head went straight out');
    chat.pushWithProducer(new SimpleProducer('x'.repeat(10), 3), 10);
    assert.equal(chat.queuedBytes, 10, 'all ten bytes count though none was pulled');
    // Everything sent lands in b at once: what b got and what is queued always make 14.
    let received = 0;
    for (let round = 0; round < 10; round++) {
      received += b.recvNowait(100)?.length ?? 0;
      assert.equal(chat.queuedBytes, 14 - received);
      chat.handleWrite();
    }
    assert.equal(received, 14);
    assert.equal(chat.outputPending, false);
  });

  test('a producer of unknown size counts as one chunk, and discardBuffers() clears the count', () => {
    const [a] = memorySocketPair({ sendBufferSize: 1 });
    const chat = new Recorder(a, freshMap(), null);
    chat.acOutBufferSize = 1000;
    chat.push('.'); // fills the socket: nothing more leaves
    chat.pushWithProducer(new SimpleProducer('y'.repeat(5000), 1000));
    chat.pushWithProducer(new SimpleProducer('z', 1), 1);
    assert.equal(chat.queuedBytes, 1001);
    chat.discardBuffers();
    assert.equal(chat.queuedBytes, 0);
  });

  test('pushWithProducer() refuses a negative or fractional size', () => {
    const chat = new Recorder(new StringTransport(), freshMap(), null);
    assert.throws(() => chat.pushWithProducer(new SimpleProducer('a'), -1), RangeError);
    assert.throws(() => chat.pushWithProducer(new SimpleProducer('a'), 1.5), RangeError);
  });
});

describe('AsyncChat on loopback', () => {
  /** Answers each line with its length, as a line protocol would. */
  class LineServer extends Dispatcher {
    override handleAccepted(sock: ChannelSocket): void {
      sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
      const chat = new Recorder(sock, this.map, '\r\n');
      chat.onUnit = (unit) => chat.push(`${unit.length}:${unit}\r\n`);
    }
  }

  test('lines whose terminator is split across reads at every offset are answered whole', async () => {
    const map = freshMap();
    const port = await listenOnLoopback(new LineServer(null, map));
    const running = loop({ map });
    const c = await client(port);
    c.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    const line = 'PING 0123\r\n';
    for (let cut = 1; cut < line.length; cut++) {
      await c.sendall(line.slice(0, cut));
      await sleep(3);
      await c.sendall(line.slice(cut));
      const reply = '9:PING 0123\r\n';
      assert.equal((await readExactly(c, reply.length)).toString(), reply, `cut at ${cut}`);
    }
    c.close();
    await sleep(20);
    closeAll(map);
    await within(running, 5000, 'loop');
  });
});
