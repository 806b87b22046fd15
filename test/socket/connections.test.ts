import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AddressInfoError,
  AF_INET,
  AF_INET6,
  createConnection,
  createServer,
  SOCK_STREAM,
  SocketTimeoutError,
  socket,
  socketpair,
} from '../../src/socket/index.js';
import { closedPort, IPV6_LOOPBACK, readAll, readExactly } from './support.js';

describe('module-level connection helpers', () => {
  test('socket() defaults to AF_INET SOCK_STREAM proto 0', () => {
    const sock = socket();
    assert.equal(sock.family, AF_INET);
    assert.equal(sock.type, SOCK_STREAM);
    assert.equal(sock.proto, 0);
    sock.close();
  });

  test('socket() strips SOCK_NONBLOCK from the type and starts non-blocking', () => {
    const sock = socket(AF_INET, SOCK_STREAM | 0o4000);
    assert.equal(sock.type, SOCK_STREAM);
    assert.equal(sock.gettimeout(), 0);
    sock.close();
  });

  test('createServer() and createConnection() talk over loopback', async () => {
    const server = await createServer(['127.0.0.1', 0]);
    const address = server.getsockname() as [string, number];
    const [client, [conn]] = await Promise.all([createConnection(address, 5), server.accept()]);
    assert.equal(client.gettimeout(), 5);
    await client.sendall('hi');
    assert.equal((await readExactly(conn, 2)).toString(), 'hi');
    client.close();
    conn.close();
    server.close();
  });

  test('createConnection() resolves localhost by name and reaches a listener on 127.0.0.1', async () => {
    // /etc/hosts names 127.0.0.1 localhost (where it also gives ::1, that attempt is refused
    // and the next address is tried): no fallback to the literal, the name must work.
    const server = await createServer(['127.0.0.1', 0]);
    const [, port] = server.getsockname() as [string, number];
    const [client, [conn, peer]] = await Promise.all([
      createConnection(['localhost', port], 5),
      server.accept(),
    ]);
    assert.deepEqual(client.getpeername(), ['127.0.0.1', port]);
    assert.deepEqual(peer, client.getsockname());
    await client.sendall('by name');
    assert.equal((await readExactly(conn, 7)).toString(), 'by name');
    conn.close();
    client.close();
    server.close();
  });

  test('createConnection() binds to the source address it is given', async () => {
    const server = await createServer(['127.0.0.1', 0]);
    const client = await createConnection(server.getsockname() as [string, number], null, [
      '127.0.0.1',
      0,
    ]);
    const [conn, peer] = await server.accept();
    assert.deepEqual(peer, client.getsockname());
    conn.close();
    client.close();
    server.close();
  });

  test('createConnection() rejects with the connect error when nothing listens', async () => {
    const address = (await closedPort()) as [string, number];
    await assert.rejects(createConnection(address), { code: 'ECONNREFUSED' });
  });

  test('createConnection() rejects with AddressInfoError for a name that does not resolve', async () => {
    await assert.rejects(createConnection(['no-such-host.invalid', 80]), AddressInfoError);
  });

  test('createConnection() checks the address shape', async () => {
    await assert.rejects(createConnection('127.0.0.1:80' as never), TypeError);
  });

  test('createServer() with AF_INET6 listens on ::1', IPV6_LOOPBACK, async () => {
    const server = await createServer(['::1', 0], { family: AF_INET6 });
    const client = socket(AF_INET6, SOCK_STREAM);
    const [[conn]] = await Promise.all([server.accept(), client.connect(server.getsockname())]);
    await client.sendall('six');
    client.close();
    assert.equal((await readAll(conn)).toString(), 'six');
    conn.close();
    server.close();
  });

  test('createServer() refuses dualstackIpv6 for AF_INET', async () => {
    await assert.rejects(createServer(['127.0.0.1', 0], { dualstackIpv6: true }), RangeError);
  });

  test('createServer() with reusePort fails clearly where Node cannot do it, or shares the port', async () => {
    const first = await createServer(['127.0.0.1', 0], { reusePort: true }).catch(
      (e: unknown) => e,
    );
    if (first instanceof Error) {
      assert.equal((first as { code?: string }).code, 'ENOPROTOOPT');
      assert.match(first.message, /SO_REUSEPORT needs Node\.js 22\.12/);
      return;
    }
    const firstSock = first as Awaited<ReturnType<typeof createServer>>;
    const second = await createServer(firstSock.getsockname(), { reusePort: true });
    second.close();
    firstSock.close();
  });

  test('socketpair() over AF_INET gives two connected sockets', async () => {
    const [a, b] = await socketpair(AF_INET);
    assert.deepEqual(a.getpeername(), b.getsockname());
    await b.sendall('inet pair');
    b.close();
    assert.equal((await readAll(a)).toString(), 'inet pair');
    a.close();
  });

  test('socketpair() refuses SOCK_DGRAM with EOPNOTSUPP', async () => {
    await assert.rejects(socketpair(AF_INET, 2), { code: 'EOPNOTSUPP' });
  });

  test('createConnection() with a short timeout on a listener gives a socket with that timeout', async () => {
    const server = await createServer(['127.0.0.1', 0]);
    const client = await createConnection(server.getsockname() as [string, number], 0.2);
    await assert.rejects(client.recv(1), SocketTimeoutError);
    client.close();
    server.close();
  });
});
