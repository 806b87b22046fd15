import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  BrokenPipeError,
  ConnectionRefusedError,
  ConnectionResetError,
  SO_LINGER,
  SOCK_STREAM,
  SOL_SOCKET,
  Socket,
  SocketError,
  socket,
  toSocketError,
} from '../../src/socket/index.js';
import { closedPort, LOOPBACKS, readExactly, sleep, tcpPair } from './support.js';

/** Makes `b` close with bytes it never read, which makes the kernel send RST, not FIN. */
async function resetBy(b: Socket, a: Socket): Promise<void> {
  await a.sendall('unread data');
  // Wait until the bytes are at b, so its close finds them unread.
  while (b.recvNowait(1, 0x2) === null) await sleep(5);
  b.close();
}

describe('socket errors', () => {
  for (const { family, host } of LOOPBACKS) {
    test(`connect() to a closed port on ${host} fails with ConnectionRefusedError and a Go-style message`, async () => {
      const address = await closedPort(family, host);
      const sock = socket(family, SOCK_STREAM);
      const err = await sock.connect(address).then(
        () => assert.fail('connected'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ConnectionRefusedError);
      assert.ok(err instanceof SocketError);
      assert.equal(err.code, 'ECONNREFUSED');
      assert.equal(err.errno, 111);
      const shown = family === AF_INET6 ? `[${host}]:${address[1]}` : `${host}:${address[1]}`;
      const net = family === AF_INET6 ? 'tcp6' : 'tcp';
      assert.equal(err.message, `connect ${net} ${shown}: connection refused (ECONNREFUSED)`);
      sock.close();
    });
  }

  test('connectEx() returns 111 (ECONNREFUSED) for a closed port instead of throwing', async () => {
    const address = await closedPort();
    const sock = socket();
    assert.equal(await sock.connectEx(address), 111);
    sock.close();
  });

  test('a socket whose connect was refused can report it through SO_ERROR when non-blocking', async () => {
    const address = await closedPort();
    const sock = socket();
    sock.setblocking(false);
    await assert.rejects(sock.connect(address), { code: 'EINPROGRESS' });
    while ((sock.readiness & 0x4) === 0) await sleep(5);
    assert.equal(sock.getsockopt(SOL_SOCKET, 4), 111);
    sock.close();
  });

  test('closing with unread data resets the connection: the peer gets ConnectionResetError on recv', async () => {
    const [a, b] = await tcpPair();
    await resetBy(b, a);
    const err = await a.recv(100).then(
      (data) => assert.fail(`recv returned ${data.length} bytes`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConnectionResetError, String(err));
    assert.equal(err.code, 'ECONNRESET');
    assert.match(
      err.message,
      /^read tcp 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+: connection reset by peer \(ECONNRESET\)$/,
    );
    assert.equal(
      (await a.recv(100)).length,
      0,
      'after the error is reported the socket reads as at end',
    );
    a.close();
  });

  test('send() to a reset peer fails with ECONNRESET or EPIPE and the process keeps running', async () => {
    const [a, b] = await tcpPair();
    await resetBy(b, a);
    await sleep(50);
    const err = await (async () => {
      for (let i = 0; i < 100; i++) {
        await a.sendall(Buffer.alloc(1024));
        await sleep(2);
      }
      return null;
    })().catch((e: unknown) => e);
    assert.ok(
      err instanceof ConnectionResetError || err instanceof BrokenPipeError,
      `expected a reset or broken pipe, got ${String(err)}`,
    );
    a.close();
  });

  test('SO_LINGER with a zero timeout makes close() reset the connection', async () => {
    const [a, b] = await tcpPair();
    const linger = Buffer.alloc(8);
    linger.writeInt32LE(1, 0);
    linger.writeInt32LE(0, 4);
    b.setsockopt(SOL_SOCKET, SO_LINGER, linger);
    assert.deepEqual(b.getsockopt(SOL_SOCKET, SO_LINGER), linger);
    b.close();
    await assert.rejects(a.recv(10), { code: 'ECONNRESET' });
    a.close();
  });

  test('a reset of a connection not yet accepted reaches nobody as an uncaught error', async () => {
    const server = socket();
    await server.bind(['127.0.0.1', 0]);
    await server.listen();
    const client = socket();
    await client.connect(server.getsockname());
    const linger = Buffer.alloc(8);
    linger.writeInt32LE(1, 0);
    client.setsockopt(SOL_SOCKET, SO_LINGER, linger);
    client.close();
    await sleep(50);
    const [conn] = await server.accept();
    const result = await conn.recv(10).catch((e: unknown) => e);
    assert.ok(
      (result instanceof Buffer && result.length === 0) || result instanceof ConnectionResetError,
    );
    conn.close();
    server.close();
  });

  test('bind() to an address in use fails with EADDRINUSE naming the address', async () => {
    const first = socket();
    await first.bind(['127.0.0.1', 0]);
    const [, port] = first.getsockname() as [string, number];
    const second = socket();
    await assert.rejects(second.bind(['127.0.0.1', port]), {
      code: 'EADDRINUSE',
      message: `bind tcp 127.0.0.1:${port}: address already in use (EADDRINUSE)`,
    });
    second.close();
    first.close();
  });

  test('without the native addon, SOCK_RAW, SOCK_SEQPACKET and AF_UNIX SOCK_DGRAM fail at creation saying how to build it', () => {
    // A process of its own: the addon is loaded once per process.
    const script = [
      "import { socket } from './src/socket/index.ts';",
      'for (const [family, type, proto] of [[2, 3, 1], [1, 5, 0], [1, 2, 0], [2, 2, 1]]) {',
      '  try { socket(family, type, proto); console.log("opened"); }',
      '  catch (err) { console.log(err.constructor.name, err.code, err.message); }',
      '}',
    ].join('\n');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: join(import.meta.dirname, '../..'),
        env: { ...process.env, POLYPORT_NO_FD_SOCKETS: '1' },
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    for (const [line, what] of lines.map(
      (line, i) =>
        [line, ['SOCK_RAW', 'SOCK_SEQPACKET', 'AF_UNIX datagram', 'ICMP datagram'][i]] as const,
    )) {
      assert.match(line, /^SocketError ESOCKTNOSUPPORT socket/);
      assert.ok(line.includes(`${what} sockets need polyport's native addon`), line);
      assert.ok(line.includes('npm run build:native'), line);
    }
  });

  test('an unknown family or type fails at creation with EAFNOSUPPORT or ESOCKTNOSUPPORT', () => {
    assert.throws(() => socket(99), { code: 'EAFNOSUPPORT' });
    assert.throws(() => socket(AF_INET, 42), { code: 'ESOCKTNOSUPPORT' });
  });

  test('toSocketError() maps Node errors to the matching class and keeps unknown codes readable', () => {
    const reset = toSocketError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), {
      op: 'read',
      net: 'tcp',
      source: '127.0.0.1:1',
      addr: '127.0.0.1:2',
    });
    assert.ok(reset instanceof ConnectionResetError);
    assert.equal(
      reset.message,
      'read tcp 127.0.0.1:1->127.0.0.1:2: connection reset by peer (ECONNRESET)',
    );
    assert.equal(
      toSocketError(Object.assign(new Error('x'), { code: 'EAGAIN' })).name,
      'BlockingIOError',
    );
    assert.equal(
      toSocketError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).name,
      'SocketTimeoutError',
    );
    const odd = toSocketError(Object.assign(new Error('strange thing'), { code: 'ERR_ODD' }));
    assert.equal(odd.message, 'strange thing (ERR_ODD)');
    assert.equal(toSocketError(reset), reset);
  });

  test('an error on one connection never crashes the process or disturbs another', async () => {
    const [a1, b1] = await tcpPair();
    const [a2, b2] = await tcpPair();
    let uncaught: unknown = null;
    const onUncaught = (err: unknown): void => {
      uncaught = err;
    };
    process.on('uncaughtException', onUncaught);
    try {
      await resetBy(b1, a1);
      await sleep(30);
      await a2.sendall('still fine');
      assert.equal((await readExactly(b2, 10)).toString(), 'still fine');
      await assert.rejects(a1.recv(1), ConnectionResetError);
      assert.equal(uncaught, null);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    for (const s of [a1, a2, b2]) s.close();
  });

  test('a connection refused while nobody waits on it surfaces later, not as a crash', async () => {
    const address = await closedPort();
    const sock = new Socket(AF_INET, SOCK_STREAM);
    sock.settimeout(0);
    await assert.rejects(sock.connect(address), { code: 'EINPROGRESS' });
    await sleep(50);
    assert.equal(sock.getsockopt(SOL_SOCKET, 4), 111);
    sock.close();
  });
});
