import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  MSG_PEEK,
  MSG_WAITALL,
  READY_READ,
  READY_WRITE,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SOCK_STREAM,
  SocketError,
  socket,
} from '../../src/socket/index.js';
import { LOOPBACKS, listener, readAll, readExactly, tcpPair } from './support.js';

for (const { family, host } of LOOPBACKS) {
  const name = family === AF_INET6 ? 'IPv6' : 'IPv4';
  describe(`TCP over ${name} loopback`, () => {
    test('accept() returns a connected socket and the peer address the client sees as its own', async () => {
      const server = await listener(family, host);
      const client = socket(family, SOCK_STREAM);
      const [[conn, peer]] = await Promise.all([
        server.accept(),
        client.connect(server.getsockname()),
      ]);
      assert.deepEqual(peer, client.getsockname());
      assert.deepEqual(conn.getpeername(), client.getsockname());
      assert.deepEqual(client.getpeername(), conn.getsockname());
      assert.equal(client.getpeername()[0], host);
      if (family === AF_INET6) assert.equal(peer.length, 4);
      else assert.equal(peer.length, 2);
      conn.close();
      client.close();
      server.close();
    });

    test('bytes sent one way arrive in order and recv() gives an empty buffer at end of stream', async () => {
      const [a, b] = await tcpPair(family, host);
      await a.sendall('hello, ');
      assert.equal(await a.send(Buffer.from('world')), 5);
      a.close();
      assert.equal((await readAll(b)).toString(), 'hello, world');
      assert.equal((await b.recv(10)).length, 0, 'end of stream stays end of stream');
      b.close();
    });
  });
}

describe('TCP', () => {
  test('getsockname() after bind to port 0 gives the real port', async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    assert.deepEqual(server.getsockname(), ['0.0.0.0', 0]);
    await server.bind(['127.0.0.1', 0]);
    const [host, port] = server.getsockname() as [string, number];
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0 && port < 65536);
    server.close();
  });

  test('listen() on an unbound socket binds it to an ephemeral port', async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.listen(5);
    assert.ok((server.getsockname()[1] as number) > 0);
    server.close();
  });

  test('shutdown(SHUT_WR) lets the peer read end of stream and still send back', async () => {
    const [a, b] = await tcpPair();
    await a.sendall('request');
    a.shutdown(SHUT_WR);
    assert.equal((await readAll(b)).toString(), 'request');
    await b.sendall('response');
    b.close();
    assert.equal((await readAll(a)).toString(), 'response');
    a.close();
  });

  test('send() after shutdown(SHUT_WR) fails with EPIPE', async () => {
    const [a, b] = await tcpPair();
    a.shutdown(SHUT_WR);
    await assert.rejects(a.send('x'), { code: 'EPIPE', name: 'BrokenPipeError' });
    a.close();
    b.close();
  });

  test('shutdown(SHUT_RD) makes recv() return end of stream at once', async () => {
    const [a, b] = await tcpPair();
    await b.sendall('ignored');
    a.shutdown(SHUT_RD);
    assert.equal((await a.recv(100)).length, 0);
    a.shutdown(SHUT_RDWR);
    a.close();
    b.close();
  });

  test('recv(n) returns at most n bytes and leaves the rest for the next call', async () => {
    const [a, b] = await tcpPair();
    await a.sendall('abcdef');
    const first = await readExactly(b, 2);
    assert.equal(first.toString(), 'ab');
    assert.equal((await readExactly(b, 4)).toString(), 'cdef');
    a.close();
    b.close();
  });

  test('MSG_PEEK returns bytes without consuming them', async () => {
    const [a, b] = await tcpPair();
    await a.sendall('peekaboo');
    await readExactly(b, 0);
    let peeked = await b.recv(100, MSG_PEEK);
    while (peeked.length < 8) peeked = await b.recv(100, MSG_PEEK);
    assert.equal(peeked.toString(), 'peekaboo');
    assert.equal((await b.recv(4)).toString(), 'peek');
    a.close();
    b.close();
  });

  test('MSG_WAITALL waits for the whole count, or returns less at end of stream', async () => {
    const [a, b] = await tcpPair();
    const pending = b.recv(10, MSG_WAITALL);
    await a.sendall('01234');
    setTimeout(() => void a.sendall('56789xyz'), 20);
    assert.equal((await pending).toString(), '0123456789');
    a.close();
    assert.equal((await b.recv(10, MSG_WAITALL)).toString(), 'xyz');
    b.close();
  });

  test('MSG_WAITALL that times out puts the bytes it took back, for the next recv()', async () => {
    const [a, b] = await tcpPair();
    await a.sendall('0123');
    while ((b.readiness & READY_READ) === 0) await new Promise((r) => setTimeout(r, 5));
    b.settimeout(0.05);
    await assert.rejects(b.recv(10, MSG_WAITALL), { code: 'ETIMEDOUT' });
    assert.equal((await b.recv(10)).toString(), '0123');
    a.close();
    b.close();
  });

  test('recvInto() fills the given buffer and returns the count, 0 at end of stream', async () => {
    const [a, b] = await tcpPair();
    await a.sendall('0123456789');
    a.close();
    const buffer = Buffer.alloc(16);
    let total = 0;
    for (;;) {
      const n = await b.recvInto(buffer.subarray(total), 4);
      if (n === 0) break;
      assert.ok(n <= 4);
      total += n;
    }
    assert.equal(buffer.subarray(0, total).toString(), '0123456789');
    b.close();
  });

  test('recvfrom() and recvfromInto() on a stream socket report the peer address', async () => {
    const [a, b] = await tcpPair();
    await a.sendall('xy');
    const [data, from] = await b.recvfrom(1);
    assert.equal(data.toString(), 'x');
    assert.deepEqual(from, a.getsockname());
    const into = Buffer.alloc(4);
    const [n, from2] = await b.recvfromInto(into);
    assert.equal(into.subarray(0, n).toString(), 'y');
    assert.deepEqual(from2, a.getsockname());
    a.close();
    b.close();
  });

  test('send() copies its input, so the caller may reuse the buffer at once', async () => {
    const [a, b] = await tcpPair();
    const buffer = Buffer.from('first');
    await a.send(buffer);
    buffer.write('XXXXX');
    a.close();
    assert.equal((await readAll(b)).toString(), 'first');
    b.close();
  });

  test('readiness shows writable when connected and readable once data arrives', async () => {
    const [a, b] = await tcpPair();
    assert.ok(a.readiness & READY_WRITE);
    assert.equal(b.readiness & READY_READ, 0);
    const seen = new Promise<void>((resolve) => {
      const stop = b.watch(() => {
        if (b.readiness & READY_READ) {
          stop();
          resolve();
        }
      });
    });
    await a.sendall('x');
    await seen;
    assert.equal(b.recvNowait(10)?.toString(), 'x');
    assert.equal(b.recvNowait(10), null);
    a.close();
    b.close();
  });

  test('fileno() is a descriptor while open and -1 once closed', async () => {
    const [a, b] = await tcpPair();
    assert.ok(a.fileno() >= 0);
    assert.notEqual(a.fileno(), b.fileno());
    a.close();
    assert.equal(a.fileno(), -1);
    assert.equal(socket().fileno(), -1);
    b.close();
  });

  test('fileno() stays valid after both directions ended, until close() (regression: it became -1)', async () => {
    const [a, b] = await tcpPair();
    const fd = a.fileno();
    a.shutdown(SHUT_WR);
    b.close();
    assert.equal((await readAll(a)).length, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(a.fileno(), fd);
    a.close();
    assert.equal(a.fileno(), -1);
  });

  test('await using closes the socket when the block ends', async () => {
    const server = await listener();
    let leaked: ReturnType<typeof socket> | undefined;
    {
      await using sock = socket(AF_INET, SOCK_STREAM);
      await sock.connect(server.getsockname());
      leaked = sock;
    }
    assert.equal(leaked.closed, true);
    {
      using sync = socket();
      leaked = sync;
    }
    assert.equal(leaked.closed, true);
    server.close();
  });

  test('every call on a closed socket fails with EBADF and close() twice is harmless', async () => {
    const [a, b] = await tcpPair();
    a.close();
    a.close();
    await assert.rejects(a.recv(1), { code: 'EBADF' });
    await assert.rejects(a.send('x'), { code: 'EBADF' });
    assert.throws(() => a.getsockname(), { code: 'EBADF' });
    b.close();
  });

  test('a recv() waiting when the socket is closed rejects with EBADF', async () => {
    const [a, b] = await tcpPair();
    const pending = a.recv(10);
    a.close();
    await assert.rejects(
      pending,
      (err: unknown) => err instanceof SocketError && err.code === 'EBADF',
    );
    b.close();
  });

  test('connect() on a connected socket fails with EISCONN, recv() before connect with ENOTCONN', async () => {
    const [a, b] = await tcpPair();
    await assert.rejects(a.connect(b.getsockname()), { code: 'EISCONN' });
    const fresh = socket();
    await assert.rejects(fresh.recv(1), { code: 'ENOTCONN' });
    await assert.rejects(fresh.send('x'), { code: 'ENOTCONN' });
    assert.throws(() => fresh.getpeername(), { code: 'ENOTCONN' });
    fresh.close();
    a.close();
    b.close();
  });

  test('connectEx() returns 0 on success', async () => {
    const server = await listener();
    const client = socket();
    assert.equal(await client.connectEx(server.getsockname()), 0);
    client.close();
    server.close();
  });

  test('toString() describes the socket as Python repr does', async () => {
    const [a, b] = await tcpPair();
    assert.match(
      String(a),
      /^<Socket fd=\d+ family=AF_INET type=SOCK_STREAM laddr=127\.0\.0\.1:\d+ raddr=127\.0\.0\.1:\d+>$/,
    );
    a.close();
    assert.match(String(a), /\[closed\]/);
    b.close();
  });

  test('a listener accepts many connections and each keeps its own stream', async () => {
    const server = await listener();
    const clients = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const c = socket();
        await c.connect(server.getsockname());
        await c.sendall(`client ${i}`);
        c.shutdown(SHUT_WR);
        return c;
      }),
    );
    const seen = new Set<string>();
    for (let i = 0; i < clients.length; i++) {
      const [conn] = await server.accept();
      seen.add((await readAll(conn)).toString());
      conn.close();
    }
    assert.equal(seen.size, 20);
    for (const c of clients) c.close();
    server.close();
  });
});
