import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loop, type SocketMap } from '../../src/dispatch/index.js';
import { ChannelTransport } from '../../src/server/channel-transport.js';
import { Connection, type SessionHandler } from '../../src/server/connection.js';
import type { ServerLimits } from '../../src/server/limits.js';
import type { ServerSession } from '../../src/server/server-session.js';
import type { TimeoutPhase, Transport } from '../../src/server/transport.js';
import { ConnectionResetError, PROTOCOL_TLS_SERVER, SSLContext } from '../../src/socket/index.js';
import { chunkings } from '../../src/testing/chunkings.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { StringTransport } from '../../src/testing/string-transport.js';

type LineEvent = { readonly text: string };

/**
 * The smallest sans-I/O session: one event per line, replies written by the handler; except
 * `auto N`, which the session answers itself with N bytes and a newline, gathering replies to
 * pipelined lines until its output is over `gatherBound`, as the SMTP and POP3 sessions do.
 */
class LineSession implements ServerSession<LineEvent> {
  #input = Buffer.alloc(0);
  #output: Buffer[] = [Buffer.from('hello\n')];
  #outputBytes = 6;
  readonly #events: LineEvent[] = [];
  #tls = false;

  constructor(readonly gatherBound = Number.POSITIVE_INFINITY) {}

  receiveData(chunk: Uint8Array): void {
    this.#input = Buffer.concat([this.#input, chunk]);
    // After STARTTLS nothing more is parsed: what follows must wait for the handshake.
    for (let end = this.#input.indexOf(10); end >= 0 && !this.#tls; end = this.#input.indexOf(10)) {
      const text = this.#input.subarray(0, end).toString();
      this.#events.push({ text });
      this.#input = this.#input.subarray(end + 1);
      this.#tls = text === 'starttls';
    }
  }

  nextEvent(): LineEvent | null {
    for (let next = this.#events[0]; next?.text.startsWith('auto '); next = this.#events[0]) {
      if (this.#outputBytes > this.gatherBound) return null;
      this.#events.shift();
      this.reply('y'.repeat(Number(next.text.slice(5))));
    }
    return this.#events.shift() ?? null;
  }

  takeOutput(): Buffer {
    const out = Buffer.concat(this.#output);
    this.#output = [];
    this.#outputBytes = 0;
    return out;
  }

  get partialCommand(): boolean {
    return this.#input.length > 0;
  }

  reply(text: string): void {
    const line = Buffer.from(`${text}\n`);
    this.#output.push(line);
    this.#outputBytes += line.length;
  }

  /** What was read past the current line (as a STARTTLS session's takeBuffered()). */
  takeBuffered(): Buffer {
    const rest = this.#input;
    this.#input = Buffer.alloc(0);
    return rest;
  }
}

/** A protocol on the kit: `slow N` waits to be released, `big N` answers N bytes, `quit`. */
class LineHandler implements SessionHandler<LineEvent> {
  readonly connection: Connection<LineEvent>;
  readonly session: LineSession;
  readonly handled: string[] = [];
  readonly release: Array<() => void> = [];
  readonly timeouts: TimeoutPhase[] = [];
  readonly lost: Array<Error | null> = [];
  tlsResult: boolean | undefined;

  constructor(transport: Transport, clock: ManualClock, limits: ServerLimits) {
    this.session = new LineSession(limits.maxPendingOutput);
    this.connection = new Connection({
      transport,
      session: this.session,
      handler: this,
      clock,
      limits,
    });
  }

  handleEvent(event: LineEvent): void | Promise<void> {
    this.handled.push(event.text);
    const [verb, arg = ''] = event.text.split(' ');
    switch (verb) {
      case 'slow':
        return new Promise((resolve) =>
          this.release.push(() => {
            this.session.reply(`done ${arg}`);
            resolve();
          }),
        );
      case 'big':
        this.session.reply('x'.repeat(Number(arg)));
        this.connection.flush();
        return;
      case 'starttls':
        this.session.reply('ready');
        return this.connection
          .startTls(new SSLContext(PROTOCOL_TLS_SERVER), this.session.takeBuffered())
          .then((upgraded) => {
            this.tlsResult = upgraded;
          });
      case 'quit':
        this.session.reply('bye');
        this.connection.flush();
        this.connection.closeWhenDone();
        return;
      default:
        this.session.reply(event.text.toUpperCase());
    }
  }

  timedOut(phase: TimeoutPhase): boolean {
    this.timeouts.push(phase);
    if (phase !== 'idle') return false;
    this.connection.write('idle bye\n');
    this.connection.closeWhenDone();
    return true;
  }

  closed(error: Error | null): void {
    this.lost.push(error);
  }
}

const LIMITS: ServerLimits = {
  maxConnections: 10,
  maxConnectionsPerAddress: 10,
  maxRequestSize: 1024,
  idleTimeout: 30,
  readTimeout: 5,
  maxPendingOutput: 100,
};

/** A connection on a captured in-memory socket, in its own map. */
function open(options: { sendBufferSize?: number } = {}) {
  const map: SocketMap = new Map();
  const clock = new ManualClock(1_000_000);
  const sock = new StringTransport(options);
  const transport = new ChannelTransport(sock, { map, clock, limits: LIMITS });
  const handler = new LineHandler(transport, clock, LIMITS);
  const turn = () => loop({ map, count: 3, timeout: 0.01 });
  return { map, clock, sock, transport, handler, turn };
}

describe('Connection: a sans-I/O session driven over a transport', () => {
  test('greets at once and answers each line in order, however the input is cut', async () => {
    for (const { label, chunks } of chunkings(Buffer.from('one\ntwo\n'))) {
      const { sock, handler, turn } = open();
      for (const piece of chunks) {
        sock.feed(piece);
        await turn();
      }
      assert.equal(sock.text(), 'hello\nONE\nTWO\n', label);
      assert.deepEqual(handler.handled, ['one', 'two'], label);
      handler.connection.close();
    }
  });

  test('reading stops while a handler works, and replies keep their order', async () => {
    const { sock, handler, transport, turn } = open();
    sock.feed('slow 1\nfast\n');
    await turn();
    assert.deepEqual(handler.handled, ['slow 1'], 'the second line waits');
    assert.equal(transport.readable(), false, 'and the socket is not read meanwhile');
    handler.release.shift()?.();
    await turn();
    assert.deepEqual(handler.handled, ['slow 1', 'fast']);
    assert.equal(sock.text(), 'hello\ndone 1\nFAST\n');
    handler.connection.close();
  });

  test('no event runs while the output queued is over the bound; it resumes as the peer reads', async () => {
    const { sock, handler, turn } = open({ sendBufferSize: 50 });
    sock.feed('big 500\nnext\n');
    await turn();
    assert.deepEqual(handler.handled, ['big 500'], 'held behind 450 unsent bytes');
    for (let i = 0; i < 20 && handler.handled.length < 2; i++) {
      sock.drain();
      await turn();
    }
    assert.deepEqual(handler.handled, ['big 500', 'next']);
    for (let i = 0; i < 20 && !sock.text().endsWith('NEXT\n'); i++) {
      sock.drain();
      await turn();
    }
    assert.equal(sock.text(), `hello\n${'x'.repeat(500)}\nNEXT\n`);
    handler.connection.close();
  });

  test('a session answering pipelined lines itself gathers on an empty queue only: the queue stays within the bound and one batch', async () => {
    const { sock, transport, turn } = open({ sendBufferSize: 50 });
    // 40 replies of 20 bytes; the session stops gathering once it holds over 100 (the bound).
    sock.feed('auto 19\n'.repeat(40));
    const all = `hello\n${`${'y'.repeat(19)}\n`.repeat(40)}`;
    let most = 0;
    for (let i = 0; i < 100 && sock.text() !== all; i++) {
      await turn();
      most = Math.max(most, transport.queuedBytes);
      sock.drain();
    }
    assert.equal(sock.text(), all);
    // A batch is over the bound by less than one reply: 120 bytes at most. Gathering again on
    // top of what the socket had not taken of the last batch would queue up to twice that.
    assert.ok(most > 0, 'the socket took part of a batch, so something was queued');
    assert.ok(most <= 120, `queued ${most} bytes, bound 100`);
  });

  test("an idle timeout is the handler's to answer; a half-sent line past the read timeout closes", async () => {
    const idle = open();
    idle.clock.advance(30_000);
    await idle.turn();
    assert.deepEqual(idle.handler.timeouts, ['idle']);
    assert.equal(idle.sock.text(), 'hello\nidle bye\n');
    assert.deepEqual(idle.handler.lost, [null]);

    const slow = open();
    slow.sock.feed('half a li');
    await slow.turn();
    slow.clock.advance(5_000);
    await slow.turn();
    assert.deepEqual(slow.handler.timeouts, ['read'], 'the handler declined: the kit closes');
    assert.equal(slow.handler.connection.isClosed, true);
    assert.equal(slow.map.size, 0, 'the connection left the loop');
  });

  test('a reset reaches the handler as the error it is, once', async () => {
    const { sock, handler, turn, map } = open();
    sock.feed('one\n');
    await turn();
    sock.resetByPeer();
    await turn();
    assert.equal(handler.lost.length, 1);
    assert.ok(handler.lost[0] instanceof ConnectionResetError);
    assert.equal(map.size, 0);
  });

  test('plaintext sent after STARTTLS closes the connection instead of upgrading it', async () => {
    const { sock, handler, turn } = open();
    sock.feed('starttls\nquit\n');
    await turn();
    await turn();
    assert.equal(handler.tlsResult, false);
    assert.deepEqual(handler.handled, ['starttls'], 'the injected command never ran');
    assert.equal(sock.text(), 'hello\nready\n');
    assert.equal(handler.connection.isClosed, true);
  });
});
