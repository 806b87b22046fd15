import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { DatagramFaultProxy, FaultProxy } from '../../src/testing/index.js';

/** A server whose handler gets each accepted socket; closed by the returned function. */
async function tcpServer(
  onSocket: (socket: Socket) => void,
): Promise<{ port: number; server: Server; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    port: address.port,
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** What one side read until its end, and how it ended ('end' or an error code). */
interface ReadResult {
  data: Buffer;
  reads: number;
  ending: string;
}

function readUntilEnd(socket: Socket): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let reads = 0;
    let ending = 'close';
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      reads++;
    });
    socket.on('end', () => {
      ending = 'end';
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      ending = err.code ?? 'error';
    });
    // With allowHalfOpen the socket closes only when both sides ended; resolve at the end of
    // reading instead so a half-closed socket is reported too.
    const done = (): void => resolve({ data: Buffer.concat(chunks), reads, ending });
    socket.on('end', done);
    socket.on('close', done);
  });
}

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true });
  await once(socket, 'connect');
  return socket;
}

const payload = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

test('FaultProxy without faults carries bytes both ways unchanged', async () => {
  const echo = await tcpServer((s) => s.pipe(s));
  const proxy = await FaultProxy.listen({ target: ['127.0.0.1', echo.port] });
  try {
    const client = await connect(proxy.port);
    const reading = readUntilEnd(client);
    const data = payload(300_000);
    client.end(data);
    const result = await reading;
    assert.equal(result.ending, 'end');
    assert.ok(result.data.equals(data), 'the echo came back whole');
    await proxy.connections[0]!.closed;
    assert.equal(proxy.connections[0]!.toServer.bytes, data.length);
    assert.equal(proxy.connections[0]!.toClient.bytes, data.length);
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('FaultProxy cutAt ends the direction with a FIN at the offset and keeps the other direction open', async () => {
  let serverRead: Promise<ReadResult> | undefined;
  const server = await tcpServer((s) => {
    serverRead = readUntilEnd(s);
    // Answer after the client's FIN: the half-closed connection still carries the reply.
    void serverRead.then((r) => s.end(`got ${r.data.length}`));
  });
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', server.port],
    faults: { toServer: { cutAt: 1000 } },
  });
  try {
    const client = await connect(proxy.port);
    const reading = readUntilEnd(client);
    client.write(payload(5000));
    const reply = await reading;
    assert.equal(reply.data.toString(), 'got 1000');
    const seen = await serverRead!;
    assert.equal(seen.ending, 'end');
    assert.ok(seen.data.equals(payload(5000).subarray(0, 1000)));
    client.end();
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('FaultProxy resetAt on the way to the server resets both sides after exactly that many bytes', async () => {
  let serverRead: Promise<ReadResult> | undefined;
  const server = await tcpServer((s) => {
    serverRead = readUntilEnd(s);
  });
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', server.port],
    faults: { toServer: { resetAt: 700 } },
  });
  try {
    const client = await connect(proxy.port);
    const reading = readUntilEnd(client);
    client.write(payload(4000));
    assert.equal((await reading).ending, 'ECONNRESET');
    const seen = await serverRead!;
    assert.equal(seen.ending, 'ECONNRESET');
    assert.ok(
      seen.data.equals(payload(4000).subarray(0, 700)),
      'exactly the bytes before the offset',
    );
    assert.equal(proxy.connections[0]!.toServer.bytes, 700);
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('FaultProxy resetAt on the way to the client breaks a download at the offset', async () => {
  const server = await tcpServer((s) => s.end(payload(100_000)));
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', server.port],
    faults: { toClient: { resetAt: 2500 } },
  });
  try {
    const client = await connect(proxy.port);
    const got = await readUntilEnd(client);
    assert.equal(got.ending, 'ECONNRESET');
    assert.ok(got.data.length <= 2500);
    assert.ok(got.data.equals(payload(100_000).subarray(0, got.data.length)));
    assert.equal(proxy.connections[0]!.toClient.bytes, 2500);
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('FaultProxy stallAt 0 never reads the server, so the server sees its writes back up', async () => {
  let backedUp: (() => void) | undefined;
  const full = new Promise<void>((r) => {
    backedUp = r;
  });
  const server = await tcpServer((s) => {
    const chunk = Buffer.alloc(64 * 1024);
    // Write until the socket says stop; a reader that reads would let this go on forever.
    const pump = (): void => {
      while (s.write(chunk)) {
        if (s.writableLength > 64 * 1024 * 1024) return;
      }
      backedUp!();
    };
    pump();
  });
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', server.port],
    faults: { toClient: { stallAt: 0 } },
  });
  try {
    const client = await connect(proxy.port);
    let received = 0;
    client.on('data', (d: Buffer) => {
      received += d.length;
    });
    await full;
    assert.equal(received, 0);
    assert.equal(proxy.connections[0]!.toClient.bytes, 0);
    assert.equal(proxy.connections[0]!.toClient.stalled, true);
    client.destroy();
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('FaultProxy stallAt n forwards exactly n bytes, then stops reading', async () => {
  const server = await tcpServer((s) => s.write(payload(50_000)));
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', server.port],
    faults: { toClient: { stallAt: 1234 } },
  });
  try {
    const client = await connect(proxy.port);
    let received = 0;
    const enough = new Promise<void>((r) =>
      client.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= 1234) r();
      }),
    );
    await enough;
    // Bytes past the offset would arrive with the next read; a round trip through the proxy
    // (another connection) shows the proxy had time to forward them if it were going to.
    const other = await connect(proxy.port);
    await new Promise<void>((r) => other.once('data', () => r()));
    other.destroy();
    assert.equal(received, 1234);
    assert.equal(proxy.connections[0]!.toClient.stalled, true);
    client.destroy();
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('FaultProxy dribble delivers everything intact, in several small reads', async () => {
  let serverRead: Promise<ReadResult> | undefined;
  const server = await tcpServer((s) => {
    serverRead = readUntilEnd(s);
    void serverRead.then(() => s.end());
  });
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', server.port],
    faults: { toServer: { dribble: { bytes: 10, everyMs: 20 } } },
  });
  try {
    const client = await connect(proxy.port);
    const done = readUntilEnd(client);
    client.end(payload(100));
    await done;
    const seen = await serverRead!;
    assert.ok(seen.data.equals(payload(100)));
    assert.ok(seen.reads >= 2, `the server read ${seen.reads} times`);
  } finally {
    await proxy.close();
    await server.close();
  }
});

test('FaultProxy delayMs holds each chunk back before forwarding it', async () => {
  const echo = await tcpServer((s) => s.pipe(s));
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', echo.port],
    faults: { toServer: { delayMs: 200 } },
  });
  try {
    const client = await connect(proxy.port);
    const started = performance.now();
    client.write('ping');
    const [echoed] = (await once(client, 'data')) as [Buffer];
    // A lower bound with margin (timers count from the loop's cached time).
    assert.ok(performance.now() - started >= 120);
    assert.equal(echoed.toString(), 'ping');
    client.destroy();
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('FaultProxy chooses faults per connection index, and setFaults() applies to new ones', async () => {
  const echo = await tcpServer((s) => s.pipe(s));
  const proxy = await FaultProxy.listen({
    target: ['127.0.0.1', echo.port],
    faults: (index) => (index === 0 ? { toServer: { resetAt: 0 } } : {}),
  });
  try {
    const first = await connect(proxy.port);
    const firstResult = readUntilEnd(first);
    first.write('lost');
    assert.equal((await firstResult).ending, 'ECONNRESET');
    const second = await connect(proxy.port);
    second.write('kept');
    assert.equal(((await once(second, 'data')) as [Buffer])[0].toString(), 'kept');
    second.destroy();
    proxy.setFaults({ toClient: { cutAt: 2 } });
    const third = await connect(proxy.port);
    const thirdResult = readUntilEnd(third);
    third.write('abcd');
    const got = await thirdResult;
    assert.equal(got.data.toString(), 'ab');
    assert.equal(got.ending, 'end');
    third.destroy();
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('FaultProxy refuses an offset that is not a non-negative integer', async () => {
  await assert.rejects(
    FaultProxy.listen({ target: ['127.0.0.1', 9], faults: { toServer: { cutAt: -1 } } }),
    RangeError,
  );
  const proxy = await FaultProxy.listen({ target: ['127.0.0.1', 9] });
  try {
    assert.throws(() => proxy.setFaults({ toClient: { dribble: { bytes: 0, everyMs: 1 } } }), {
      name: 'RangeError',
    });
  } finally {
    await proxy.close();
  }
});

test('FaultProxy passes a refused connection to the target on as a reset', async () => {
  const gone = await tcpServer(() => undefined);
  const port = gone.port;
  await gone.close();
  const proxy = await FaultProxy.listen({ target: ['127.0.0.1', port] });
  try {
    const client = await connect(proxy.port);
    const result = await readUntilEnd(client);
    assert.equal(result.ending, 'ECONNRESET');
  } finally {
    await proxy.close();
  }
});

test('DatagramFaultProxy drops and duplicates the datagrams it is told to', async () => {
  const server = createSocket('udp4');
  const seen: string[] = [];
  server.on('message', (msg, from) => {
    seen.push(msg.toString());
    server.send(msg, from.port, from.address);
  });
  server.bind(0, '127.0.0.1');
  await once(server, 'listening');
  const proxy = await DatagramFaultProxy.listen({
    target: ['127.0.0.1', server.address().port],
    faults: { toServer: { drop: [0] }, toClient: { duplicate: (i) => i === 0 } },
  });
  const client = createSocket('udp4');
  try {
    const replies: string[] = [];
    const threeReplies = new Promise<void>((resolve) =>
      client.on('message', (msg) => {
        replies.push(msg.toString());
        if (replies.length === 3) resolve();
      }),
    );
    client.bind(0, '127.0.0.1');
    await once(client, 'listening');
    for (const word of ['a', 'b', 'c']) client.send(word, proxy.port, '127.0.0.1');
    await threeReplies;
    assert.deepEqual(seen, ['b', 'c'], 'the first datagram never reached the server');
    assert.deepEqual(replies, ['b', 'b', 'c'], 'the first answer came twice');
    assert.deepEqual(proxy.toServer, { received: 3, forwarded: 2, dropped: 1 });
    assert.deepEqual(proxy.toClient, { received: 2, forwarded: 3, dropped: 0 });
  } finally {
    client.close();
    await proxy.close();
    server.close();
  }
});

test('DatagramFaultProxy gives each client address its own path to the server', async () => {
  const server = createSocket('udp4');
  const peers = new Set<string>();
  server.on('message', (msg, from) => {
    peers.add(`${from.port}`);
    server.send(msg, from.port, from.address);
  });
  server.bind(0, '127.0.0.1');
  await once(server, 'listening');
  const proxy = await DatagramFaultProxy.listen({
    target: ['127.0.0.1', server.address().port],
    faults: (index) => (index === 0 ? { toClient: { drop: () => true } } : {}),
  });
  const lossy = createSocket('udp4');
  const clean = createSocket('udp4');
  try {
    let lossyGot = 0;
    lossy.on('message', () => lossyGot++);
    lossy.send('x', proxy.port, '127.0.0.1');
    // The first client's answer is dropped; wait until the server has seen it before the second.
    while (proxy.toClient.received < 1) await new Promise((r) => setTimeout(r, 5));
    clean.send('y', proxy.port, '127.0.0.1');
    const [reply] = (await once(clean, 'message')) as [Buffer];
    assert.equal(reply.toString(), 'y');
    assert.equal(lossyGot, 0);
    assert.equal(peers.size, 2);
  } finally {
    lossy.close();
    clean.close();
    await proxy.close();
    server.close();
  }
});

test('FaultProxy.openSockets() counts its listener and both sockets of each open connection', async () => {
  const echo = await tcpServer((s) => s.pipe(s));
  const proxy = await FaultProxy.listen({ target: ['127.0.0.1', echo.port] });
  try {
    assert.equal(proxy.openSockets(), 1);
    const client = await connect(proxy.port);
    client.write('x');
    await once(client, 'data');
    assert.equal(proxy.openSockets(), 3);
    client.destroy();
    await proxy.connections[0]!.closed;
    assert.equal(proxy.openSockets(), 1);
  } finally {
    await proxy.close();
    await echo.close();
  }
  assert.equal(proxy.openSockets(), 0);
});
