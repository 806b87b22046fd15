import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { select } from '../../src/select/index.js';
import {
  AF_INET,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SOCK_DGRAM,
  SOCK_STREAM,
  type Socket,
  SocketError,
  SSLContext,
  selfSignedCertificate,
  socket,
} from '../../src/socket/index.js';
import { connectedPair, memorySocketPair } from '../../src/testing/index.js';

const open: Socket[] = [];
function track<T extends Socket[]>(...socks: T): T {
  open.push(...socks);
  return socks;
}
after(() => {
  for (const s of open) s.close();
});

async function pair(): Promise<[Socket, Socket]> {
  const [a, b] = await connectedPair();
  track(a, b);
  return [a, b];
}

const isEbadf = (err: unknown): boolean => err instanceof SocketError && err.code === 'EBADF';

describe('select() on TCP sockets', () => {
  test('select() reports a socket readable once data has arrived, and only then', async () => {
    const [a, b] = await pair();
    assert.deepEqual(await select([a], [], [], 0), [[], [], []]);
    await b.sendall('hello');
    const [r, w, x] = await select([a], [], [], 5);
    assert.deepEqual([r, w, x], [[a], [], []]);
    assert.equal((await a.recv(10)).toString(), 'hello');
    assert.deepEqual(await select([a], [], [], 0), [[], [], []]);
  });

  test('select() with a null timeout waits until data arrives', async () => {
    const [a, b] = await pair();
    let sent = false;
    setTimeout(() => {
      sent = true;
      void b.sendall('x');
    }, 30);
    const [r] = await select([a], [], [], null);
    assert.deepEqual(r, [a]);
    assert.ok(sent, 'select() returned only after the data was sent');
  });

  test('select() with a positive timeout returns three empty lists when nothing happens', async () => {
    const [a] = await pair();
    const start = performance.now();
    assert.deepEqual(await select([a], [], [a], 0.08), [[], [], []]);
    const took = performance.now() - start;
    // At least the timeout; at most a bound a loaded machine stays under but a wrong unit would not.
    assert.ok(took >= 70 && took < 5000, `took ${took}`);
  });

  test('select() keeps the order of each list and returns only the ready members', async () => {
    const [a, b] = await pair();
    const [c, d] = await pair();
    await d.sendall('1');
    await b.sendall('2');
    // Wait until both bytes are there, not for a fixed time that a loaded machine may overrun.
    assert.deepEqual((await select([c], [], [], 5))[0], [c]);
    assert.deepEqual((await select([a], [], [], 5))[0], [a]);
    const [r] = await select([c, a], [], [], 1);
    assert.deepEqual(r, [c, a]);
  });

  test('a listening socket is readable when a connection is waiting', async () => {
    const [server] = track(socket(AF_INET, SOCK_STREAM));
    await server.bind(['127.0.0.1', 0]);
    await server.listen();
    assert.deepEqual((await select([server], [], [], 0))[0], []);
    const [client] = track(socket(AF_INET, SOCK_STREAM));
    await client.connect(server.getsockname());
    assert.deepEqual((await select([server], [], [], 5))[0], [server]);
    const accepted = server.acceptNowait();
    assert.notEqual(accepted, null);
    if (accepted) track(accepted[0]);
  });

  test('end of stream makes a socket readable and recv() then returns empty', async () => {
    const [a, b] = await pair();
    b.close();
    assert.deepEqual((await select([a], [], [], 5))[0], [a]);
    assert.equal((await a.recv(100)).length, 0);
  });

  test('a connected socket with room in its send buffer is writable', async () => {
    const [a] = await pair();
    assert.deepEqual(await select([], [a], [], 0), [[], [a], []]);
  });

  test('a socket whose peer does not read stops being writable, and is writable again once the peer reads', async () => {
    const [a, b] = await pair();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    for (let i = 0; i < 10_000; i++) {
      const n = a.sendNowait(chunk);
      if (n < 0) break;
      sent += n;
      // Let Node hand bytes to the kernel so the socket buffers fill up.
      if (i % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual((await select([], [a], [], 0))[1], [], 'full send buffer: not writable');
    let read = 0;
    const waiting = select([], [a], [], 10);
    while (read < sent) read += (await b.recv(1 << 20)).length;
    assert.deepEqual((await waiting)[1], [a]);
  });

  test('select() rejects with EBADF when a socket in any list is closed', async () => {
    const [a, b] = await pair();
    b.close();
    await assert.rejects(select([b], [], [], 0), isEbadf);
    await assert.rejects(select([], [b], [], 0), isEbadf);
    await assert.rejects(select([a], [], [b], 1), isEbadf);
  });

  test('select() rejects with EBADF when a watched socket is closed during the wait', async () => {
    const [a] = await pair();
    setTimeout(() => a.close(), 10);
    await assert.rejects(select([a], [], [], 5), isEbadf);
  });

  test('select() refuses a negative timeout, a non-numeric one, and objects that are not sockets', async () => {
    const [a] = await pair();
    await assert.rejects(select([a], [], [], -1), RangeError);
    await assert.rejects(select([a], [], [], 'soon' as never), TypeError);
    await assert.rejects(select([{} as never], [], [], 0), TypeError);
  });

  test('select() accepts objects that expose their socket and returns those objects', async () => {
    const [a, b] = await pair();
    const holder = { socket: a };
    await b.sendall('x');
    assert.deepEqual((await select([holder], [], [], 5))[0], [holder]);
  });

  test('a very long timeout does not fire early (setTimeout overflow)', async () => {
    const [a, b] = await pair();
    setTimeout(() => void b.sendall('x'), 50);
    const [r] = await select([a], [], [], 30 * 24 * 3600);
    assert.deepEqual(r, [a], 'woken by data, not by an overflowed timer');
  });
});

describe('select() on in-memory sockets', () => {
  test('a reset shows in the readable and exceptional lists', async () => {
    const [a] = memorySocketPair();
    a.resetByPeer();
    const [r, w, x] = await select([a], [a], [a], 1);
    assert.deepEqual([r, w, x], [[a], [a], [a]]);
    assert.throws(() => a.recvNowait(10), { code: 'ECONNRESET' });
  });
});

describe('select() on UDP sockets', () => {
  test('a UDP socket is writable at once and readable when a datagram arrives', async () => {
    const [receiver, sender] = track(socket(AF_INET, SOCK_DGRAM), socket(AF_INET, SOCK_DGRAM));
    await receiver.bind(['127.0.0.1', 0]);
    assert.deepEqual(await select([receiver], [sender], [], 0), [[], [sender], []]);
    await sender.sendto('ping', receiver.getsockname());
    assert.deepEqual((await select([receiver], [], [], 5))[0], [receiver]);
    const [data] = await receiver.recvfrom(100);
    assert.equal(data.toString(), 'ping');
  });
});

describe('select() on TLS sockets', () => {
  test('a TLS socket is readable when decrypted data is waiting, not before', async () => {
    const { cert, key } = await selfSignedCertificate();
    const serverCtx = new SSLContext(PROTOCOL_TLS_SERVER);
    serverCtx.loadCertChainPem(cert, key);
    const clientCtx = new SSLContext(PROTOCOL_TLS_CLIENT);
    clientCtx.loadVerifyLocations(undefined, undefined, cert);
    const [plainClient, plainServer] = await pair();
    const [tlsClient, tlsServer] = await Promise.all([
      clientCtx.wrapSocket(plainClient, { serverHostname: 'localhost' }),
      serverCtx.wrapSocket(plainServer, { serverSide: true }),
    ]);
    track(tlsClient, tlsServer);
    assert.deepEqual((await select([tlsServer], [tlsClient], [], 0))[1], [tlsClient]);
    assert.deepEqual((await select([tlsServer], [], [], 0))[0], []);
    await tlsClient.sendall('secret');
    assert.deepEqual((await select([tlsServer], [], [], 5))[0], [tlsServer]);
    assert.equal((await tlsServer.recv(100)).toString(), 'secret');
  });
});
