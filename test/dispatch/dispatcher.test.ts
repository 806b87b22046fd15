import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ChannelSocket,
  closeAll,
  Dispatcher,
  DispatcherWithSend,
  ExitNow,
  loop,
  socketMap,
} from '../../src/dispatch/index.js';
import {
  AF_INET,
  SOCK_STREAM,
  type SocketAddress,
  SocketError,
  socket,
} from '../../src/socket/index.js';
import {
  client,
  EchoHandler,
  EchoServer,
  freshMap,
  listenOnLoopback,
  readAll,
  readExactly,
  sleep,
  within,
} from './helpers.js';

/** A port where nothing listens. */
async function closedPort(): Promise<SocketAddress> {
  const probe = socket(AF_INET, SOCK_STREAM);
  await probe.bind(['127.0.0.1', 0]);
  const address = probe.getsockname();
  probe.close();
  await sleep(10);
  return address;
}

describe('Dispatcher echo server on loopback', () => {
  test('an echo server on Dispatcher and DispatcherWithSend echoes several clients at once', async () => {
    const map = freshMap();
    const server = new EchoServer(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const clients = await Promise.all([client(port), client(port), client(port)]);
    await Promise.all(
      clients.map(async (c, i) => {
        for (let round = 0; round < 20; round++) {
          const message = `client ${i} round ${round}\n`;
          await c.sendall(message);
          assert.equal((await readExactly(c, message.length)).toString(), message);
        }
      }),
    );
    for (const c of clients) c.close();
    await sleep(50);
    assert.equal(map.size, 1, 'the handlers closed when their clients did');
    server.close();
    await within(running, 5000, 'loop');
  });

  test('DispatcherWithSend buffers what the socket cannot take and sends it all in order', async () => {
    const map = freshMap();
    const server = new EchoServer(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const c = await client(port);
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 12)) & 0xff;
    const reading = readExactly(c, payload.length);
    await c.sendall(payload);
    assert.ok((await reading).equals(payload), '(await reading).equals(payload)');
    c.close();
    server.close();
    await sleep(20);
    closeAll(map);
    await within(running, 5000, 'loop');
  });

  test('handleAccepted() gets a connected socket and the peer address the client sees as its own', async () => {
    const map = freshMap();
    const seen: Array<[SocketAddress, SocketAddress]> = [];
    class Server extends Dispatcher {
      override handleAccepted(sock: ChannelSocket, addr: SocketAddress): void {
        seen.push([addr, sock.getpeername()]);
        sock.close();
        this.close();
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const c = await client(port);
    await within(running, 5000, 'loop');
    assert.deepEqual(seen, [[c.getsockname(), c.getsockname()]]);
    c.close();
  });

  test('an accepted channel’s addr is its peer’s address, whether first read while open or only after close()', async () => {
    const map = freshMap();
    const channels: Dispatcher[] = [];
    class Server extends Dispatcher {
      override handleAccepted(sock: ChannelSocket): void {
        channels.push(new Dispatcher(sock, map));
        if (channels.length === 2) this.close();
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const first = await client(port);
    const second = await client(port);
    await within(
      (async () => {
        while (channels.length < 2) await sleep(5);
      })(),
      5000,
      'accept',
    );
    const [read, unread] = channels as [Dispatcher, Dispatcher];
    const peers = [first.getsockname(), second.getsockname()];
    // One read while open: the same tuple again after close().
    const before = read.addr;
    assert.ok(
      peers.some((p) => JSON.stringify(p) === JSON.stringify(before)),
      String(before),
    );
    read.close();
    assert.equal(read.addr, before);
    // The other read only after close(): close() kept it, though its socket no longer answers.
    unread.close();
    assert.ok(
      peers.some((p) => JSON.stringify(p) === JSON.stringify(unread.addr)),
      String(unread.addr),
    );
    assert.notDeepEqual(unread.addr, before);
    assert.throws(() => unread.socket?.getpeername(), SocketError);
    await within(running, 5000, 'loop');
    first.close();
    second.close();
  });

  test('a channel moved to another map with addChannel() is served by that map’s loop, and its own loop ends without it', async () => {
    const home = freshMap();
    const other = freshMap();
    const moved: EchoHandler[] = [];
    class Server extends Dispatcher {
      override handleAccepted(sock: ChannelSocket): void {
        const handler = new EchoHandler(sock, home);
        handler.delChannel();
        handler.addChannel(other);
        moved.push(handler);
        this.close();
      }
    }
    const server = new Server(null, home);
    const port = await listenOnLoopback(server);
    const homeLoop = loop({ map: home });
    const c = await client(port);
    await within(homeLoop, 5000, 'home loop');
    assert.equal(home.size, 0, 'the listener closed and the handler left its own map');
    assert.equal(moved[0]?.map, home, 'the channel’s own map stays what it was made with');
    const otherLoop = loop({ map: other });
    await c.sendall('served by the other map\n');
    assert.equal((await readExactly(c, 24)).toString(), 'served by the other map\n');
    // close() leaves the channel's own map (as delChannel() does by default): the other map is
    // emptied by hand, which stops its watch and ends its loop.
    closeAll(other);
    await within(otherLoop, 5000, 'other loop');
    assert.equal((await c.recv(10)).length, 0, 'the client sees the channel closed');
    c.close();
  });
});

describe('Dispatcher as a client', () => {
  test('connect() to a listening server calls handleConnect, then handleWrite can send', async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(['127.0.0.1', 0]);
    await server.listen();
    const map = freshMap();
    const events: string[] = [];
    class Client extends Dispatcher {
      #sent = false;
      override handleConnect(): void {
        events.push(`connect ${String(this.connected)}`);
      }
      override writable(): boolean {
        return !this.#sent;
      }
      override handleWrite(): void {
        this.#sent = this.send('GET / HTTP/1.0\r\n\r\n') > 0;
        events.push('write');
      }
      override handleRead(): void {
        const data = this.recv(100);
        if (data.length > 0) events.push(`read ${data.toString()}`);
      }
      override handleClose(): void {
        events.push('close');
        this.close();
      }
    }
    const c = new Client(null, map);
    c.createSocket();
    await c.connect(server.getsockname());
    assert.equal(c.connecting, true);
    const running = loop({ map });
    const [conn] = await server.accept();
    assert.equal((await conn.recv(100)).toString(), 'GET / HTTP/1.0\r\n\r\n');
    await conn.sendall('reply');
    conn.close();
    await within(running, 5000, 'loop');
    assert.deepEqual(events, ['connect false', 'write', 'read reply', 'close']);
    assert.deepEqual(c.addr, server.getsockname());
    server.close();
  });

  test('connect() to a port where nothing listens reaches handleError with ECONNREFUSED, not handleConnect', async () => {
    const map = freshMap();
    const errors: unknown[] = [];
    let connected = false;
    class Client extends Dispatcher {
      override handleConnect(): void {
        connected = true;
      }
      override handleError(error: unknown): void {
        errors.push(error);
        this.close();
      }
    }
    const c = new Client(null, map);
    c.createSocket();
    await c.connect(await closedPort());
    await within(loop({ map }), 5000, 'loop');
    assert.equal(connected, false);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof SocketError, 'errors[0] instanceof SocketError');
    assert.equal((errors[0] as SocketError).code, 'ECONNREFUSED');
    assert.equal(map.size, 0);
  });
});

describe('errors in hooks', () => {
  test('logInfo() leaves out warnings by default; a set given to one channel, or declared by a subclass, is that channel’s alone', () => {
    const map = freshMap();
    class Quiet extends Dispatcher {
      override ignoreLogTypes: ReadonlySet<string> = new Set(['info', 'warning']);
    }
    const plain = new Dispatcher(null, map);
    const own = new Dispatcher(null, map);
    own.ignoreLogTypes = new Set();
    const quiet = new Quiet(null, map);
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => written.push(text) > 0) as typeof write;
    try {
      for (const [name, channel] of [
        ['plain', plain],
        ['own', own],
        ['quiet', quiet],
      ] as const) {
        channel.logInfo(`${name} warning`, 'warning');
        channel.logInfo(`${name} info`);
      }
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(written, ['info: plain info\n', 'warning: own warning\n', 'info: own info\n']);
    assert.deepEqual([...new Dispatcher(null, map).ignoreLogTypes], ['warning']);
  });

  test('an exception in one channel closes that channel only; the others keep working', async () => {
    const map = freshMap();
    const failures: unknown[] = [];
    class Fragile extends EchoHandler {
      override handleRead(): void {
        const data = this.recv(100);
        if (data.toString().includes('boom')) throw new Error('boom');
        if (data.length > 0) this.send(data);
      }
      override handleError(error: unknown): void {
        failures.push(error);
        super.handleError(error);
      }
      override logInfo(): void {}
    }
    class Server extends EchoServer {
      override handleAccepted(sock: ChannelSocket): void {
        new Fragile(sock, this.map);
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const [good, bad] = await Promise.all([client(port), client(port)]);
    await bad.sendall('boom');
    assert.equal((await readAll(bad)).length, 0, 'the failing channel was closed');
    await good.sendall('still here');
    assert.equal((await readExactly(good, 10)).toString(), 'still here');
    assert.equal(failures.length, 1);
    good.close();
    bad.close();
    await sleep(30);
    server.close();
    await within(running, 5000, 'loop');
  });

  test('a readable() predicate that throws closes that channel through handleError, and the loop goes on', async () => {
    const map = freshMap();
    let errors = 0;
    class BadPredicate extends EchoHandler {
      #armed = false;
      override readable(): boolean {
        if (this.#armed) throw new Error('predicate');
        return true;
      }
      override handleRead(): void {
        // Leave input unread, so the loop asks readable() again after this round.
        this.recv(1);
        this.#armed = true;
      }
      override handleError(error: unknown): void {
        errors += 1;
        void error;
        this.close();
      }
    }
    class Server extends EchoServer {
      override handleAccepted(sock: ChannelSocket): void {
        new BadPredicate(sock, this.map);
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const c = await client(port);
    await c.sendall('x'.repeat(10));
    // Closed with input unread: the kernel may send a reset instead of end of stream.
    await readAll(c).catch((err: unknown) => assert.equal((err as SocketError).code, 'ECONNRESET'));
    assert.equal(errors, 1);
    server.close();
    await within(running, 5000, 'loop');
    c.close();
  });

  test('ExitNow thrown by a hook rejects loop() with it', async () => {
    const map = freshMap();
    class Quitter extends EchoHandler {
      override handleRead(): void {
        this.recv(100);
        throw new ExitNow('finished');
      }
    }
    class Server extends EchoServer {
      override handleAccepted(sock: ChannelSocket): void {
        new Quitter(sock, this.map);
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const c = await client(port);
    await c.sendall('x');
    await assert.rejects(within(running, 5000, 'loop'), (err: unknown) => err instanceof ExitNow);
    closeAll(map);
    c.close();
  });

  test('handleError() by default logs the error and closes the channel', async () => {
    const [a] = await (await import('../../src/testing/index.js')).connectedPair();
    const map = freshMap();
    const logged: string[] = [];
    const d = new Dispatcher(a, map);
    d.logInfo = (message: string, type = 'info') => void logged.push(`${type}: ${message}`);
    d.handleError(new Error('bad'));
    assert.equal(map.size, 0);
    assert.equal(a.closed, true);
    assert.match(logged[0] ?? '', /^error: uncaptured exception.*Error: bad/s);
  });
});

describe('loop()', () => {
  test('loop() resolves at once for an empty map, and for count 0', async () => {
    await within(loop({ map: freshMap() }), 1000, 'loop');
    const map = freshMap();
    const server = new EchoServer(null, map);
    await listenOnLoopback(server);
    await within(loop({ map, count: 0 }), 1000, 'loop');
    server.close();
  });

  test('loop({ count }) resolves after that many rounds while channels remain', async () => {
    const map = freshMap();
    let reads = 0;
    class Counter extends EchoHandler {
      override handleRead(): void {
        reads += 1;
        super.handleRead();
      }
    }
    class Server extends EchoServer {
      override handleAccepted(sock: ChannelSocket): void {
        new Counter(sock, this.map);
      }
    }
    const server = new Server(null, map);
    const port = await listenOnLoopback(server);
    const c = await client(port);
    // One round accepts; the next serves the data.
    await within(loop({ map, count: 1 }), 5000, 'first round');
    assert.equal(map.size, 2);
    await c.sendall('ping');
    await within(loop({ map, count: 1 }), 5000, 'second round');
    assert.equal(reads, 1);
    assert.equal((await c.recv(10)).toString(), 'ping');
    assert.equal(map.size, 2, 'channels are still there');
    closeAll(map);
    c.close();
  });

  test('loop() resolves as soon as the map empties', async () => {
    const map = freshMap();
    const server = new EchoServer(null, map);
    await listenOnLoopback(server);
    // Its idle timeout is 60 s: a loop that noticed the empty map only then fails within().
    const running = loop({ map, timeout: 60 });
    setTimeout(() => server.close(), 30);
    await within(running, 5000, 'loop');
  });

  test('explicit maps are served independently of one another', async () => {
    const mapA = freshMap();
    const mapB = freshMap();
    const serverA = new EchoServer(null, mapA);
    const serverB = new EchoServer(null, mapB);
    const portA = await listenOnLoopback(serverA);
    const portB = await listenOnLoopback(serverB);
    const runningA = loop({ map: mapA });
    const c = await client(portB);
    await c.sendall('x');
    await sleep(50);
    assert.equal(mapB.size, 1, 'map B is not served by the loop over map A');
    const runningB = loop({ map: mapB });
    assert.equal((await c.recv(1)).toString(), 'x');
    const d = await client(portA);
    await d.sendall('y');
    assert.equal((await d.recv(1)).toString(), 'y');
    c.close();
    d.close();
    closeAll(mapA);
    closeAll(mapB);
    await within(Promise.all([runningA, runningB]), 5000, 'loops');
  });

  test('loop() with no arguments serves the default map', async () => {
    const server = new EchoServer();
    assert.equal(server.map, socketMap);
    const port = await listenOnLoopback(server);
    const running = loop();
    const c = await client(port);
    await c.sendall('default');
    assert.equal((await readExactly(c, 7)).toString(), 'default');
    c.close();
    await sleep(30);
    server.close();
    await within(running, 5000, 'loop');
    assert.equal(socketMap.size, 0);
  });

  test('a failed bind rejects loop() with the bind error, not a later EBADF', async () => {
    const taken = socket(AF_INET, SOCK_STREAM);
    await taken.bind(['127.0.0.1', 0]);
    await taken.listen();
    const map = freshMap();
    const server = new EchoServer(null, map);
    server.createSocket();
    const running = loop({ map });
    const bound = server.bind(taken.getsockname());
    const listening = server.listen(5);
    await assert.rejects(within(running, 5000, 'loop'), { code: 'EADDRINUSE' });
    await assert.rejects(bound, { code: 'EADDRINUSE' });
    await assert.rejects(listening, { code: 'EADDRINUSE' });
    assert.equal(map.size, 0);
    await within(loop({ map }), 1000, 'next loop');
    taken.close();
  });

  test('a bind that fails before loop() starts makes the next loop() reject with it', async () => {
    const taken = socket(AF_INET, SOCK_STREAM);
    await taken.bind(['127.0.0.1', 0]);
    await taken.listen();
    const map = freshMap();
    const server = new EchoServer(null, map);
    server.createSocket();
    server.bind(taken.getsockname()).catch(() => {});
    server.listen(5).catch(() => {});
    await sleep(50);
    await assert.rejects(within(loop({ map }), 5000, 'loop'), { code: 'EADDRINUSE' });
    taken.close();
  });

  test('loop() refuses a negative timeout and a count that is not a non-negative integer', () => {
    assert.throws(() => void loop({ map: freshMap(), timeout: -1 }), RangeError);
    assert.throws(() => void loop({ map: freshMap(), count: -1 }), RangeError);
    assert.throws(() => void loop({ map: freshMap(), count: 1.5 }), RangeError);
  });

  test("an idle loop with a timeout past setInterval()'s limit does not spin through rounds", async () => {
    const map = freshMap();
    const server = new EchoServer(null, map);
    await listenOnLoopback(server);
    let settled = false;
    const running = loop({ map, timeout: 30 * 24 * 3600, count: 3 }).then(() => {
      settled = true;
    });
    await sleep(100);
    assert.equal(settled, false, 'three rounds did not pass without any I/O');
    server.close();
    await within(running, 1000, 'loop');
  });

  test('closeAll() closes every channel, and a running loop resolves', async () => {
    const map = freshMap();
    const server = new EchoServer(null, map);
    const port = await listenOnLoopback(server);
    const running = loop({ map });
    const c = await client(port);
    await c.sendall('x');
    await c.recv(1);
    closeAll(map);
    await within(running, 5000, 'loop');
    assert.equal(map.size, 0);
    assert.equal((await c.recv(1)).length, 0);
    c.close();
  });

  test('DispatcherWithSend.send() returns the whole length even when it must queue', async () => {
    const { memorySocketPair } = await import('../../src/testing/index.js');
    const [a, b] = memorySocketPair({ sendBufferSize: 10 });
    const d = new DispatcherWithSend(a, freshMap());
    assert.equal(d.send('0123456789abcdef'), 16);
    assert.equal(d.outBufferLength, 6);
    assert.equal(d.writable(), true);
    b.recvNowait(100);
    d.handleWrite();
    assert.equal(d.outBufferLength, 0);
    assert.equal(b.recvNowait(100)?.toString(), 'abcdef');
    d.close();
  });
});
