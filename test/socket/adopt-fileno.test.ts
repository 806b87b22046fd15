import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_UNIX,
  fromfd,
  SOCK_DGRAM,
  SOCK_STREAM,
  socket,
  socketpair,
} from '../../src/socket/index.js';
import { fdSocketAddon } from '../../src/socket/node/fd-socket.js';
import { needsFdSockets } from './fd-socket-support.js';
import { listener, tcpPair } from './support.js';

/** A duplicate of `fd` that the test hands over to socket(fileno=…). */
function duplicate(fd: number): number {
  const copy = fdSocketAddon()?.dup(fd) ?? -1;
  assert.ok(copy >= 0, `dup(${fd}) failed: ${copy}`);
  return copy;
}

describe('socket(fileno=…) and fromfd() for TCP and UDP', needsFdSockets(), () => {
  test('fromfd() of a connected TCP socket talks to the same peer', async () => {
    const [a, b] = await tcpPair();
    const copy = fromfd(a.fileno(), AF_INET, SOCK_STREAM);
    assert.notEqual(copy.fileno(), a.fileno());
    assert.deepEqual(copy.getpeername(), a.getpeername());
    await copy.sendall('via the copy');
    assert.equal((await b.recv(64)).toString(), 'via the copy');
    await b.sendall('back');
    assert.equal((await copy.recv(64)).toString(), 'back');
    copy.close();
    a.close();
    b.close();
  });

  test('fromfd() of a listening TCP socket accepts connections', async () => {
    const server = await listener();
    const copy = fromfd(server.fileno(), AF_INET, SOCK_STREAM);
    server.close();
    const client = socket(AF_INET, SOCK_STREAM);
    const [[conn]] = await Promise.all([copy.accept(), client.connect(copy.getsockname())]);
    await client.sendall('hello');
    assert.equal((await conn.recv(64)).toString(), 'hello');
    conn.close();
    client.close();
    copy.close();
  });

  test('fromfd() of a bound UDP socket receives its datagrams and replies', async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(['127.0.0.1', 0]);
    const bound = udp.getsockname();
    const copy = fromfd(udp.fileno(), AF_INET, SOCK_DGRAM);
    copy.settimeout(10);
    udp.close();
    assert.deepEqual(copy.getsockname(), bound);
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto('ping', copy.getsockname());
    const [data, from] = await copy.recvfrom(64);
    assert.equal(data.toString(), 'ping');
    await copy.sendto('pong', from);
    assert.equal((await client.recv(64)).toString(), 'pong');
    copy.close();
    client.close();
  });

  test('socket(fileno=fd) reads family, type and protocol from the descriptor and owns it', async () => {
    const [a, b] = await tcpPair();
    const fd = duplicate(a.fileno());
    const adopted = socket(undefined, undefined, undefined, fd);
    assert.equal(adopted.family, AF_INET);
    assert.equal(adopted.type, SOCK_STREAM);
    assert.equal(adopted.proto, 6);
    assert.equal(adopted.fileno(), fd);
    await adopted.sendall('owned');
    assert.equal((await b.recv(64)).toString(), 'owned');
    adopted.close();
    // Closed with the socket: the number no longer names a socket (or names a new one).
    assert.equal(fdSocketAddon()?.getsockopt(fd, 1, 3, 4), -9);
    a.close();
    b.close();
  });

  test('an unconnected TCP descriptor becomes a descriptor socket that connects and sends', async () => {
    const server = await listener();
    const raw = fdSocketAddon()?.socket(AF_INET, SOCK_STREAM, 0) ?? -1;
    assert.ok(raw >= 0);
    const sock = socket(AF_INET, SOCK_STREAM, 0, raw);
    const payload = Buffer.alloc(4 * 1024 * 1024, 7);
    const [[conn]] = await Promise.all([server.accept(), sock.connect(server.getsockname())]);
    const reading = (async () => {
      let got = 0;
      for (;;) {
        const chunk = await conn.recv(65536);
        if (chunk.length === 0) return got;
        got += chunk.length;
      }
    })();
    await sock.sendall(payload);
    sock.close();
    assert.equal(await reading, payload.length);
    conn.close();
    server.close();
  });

  test('socket(fileno=…) of an AF_UNIX datagram descriptor keeps working as before', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
    const adopted = socket(undefined, undefined, undefined, duplicate(a.fileno()));
    assert.equal(adopted.family, AF_UNIX);
    assert.equal(adopted.type, SOCK_DGRAM);
    await adopted.send('dgram');
    assert.equal((await b.recv(64)).toString(), 'dgram');
    adopted.close();
    a.close();
    b.close();
  });

  test('a descriptor that is not a socket fails with ENOTSOCK, a closed one with EBADF', () => {
    const file = openSync(import.meta.filename, 'r');
    assert.throws(() => fromfd(file, AF_INET, SOCK_STREAM), { code: 'ENOTSOCK' });
    assert.throws(() => socket(AF_INET, SOCK_STREAM, 0, file), { code: 'ENOTSOCK' });
    closeSync(file);
    assert.throws(() => socket(AF_INET, SOCK_STREAM, 0, file), { code: 'EBADF' });
  });
});
