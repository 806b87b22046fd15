import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  BlockingIOError,
  getdefaulttimeout,
  MSG_DONTWAIT,
  READY_WRITE,
  SO_ERROR,
  SOL_SOCKET,
  SocketTimeoutError,
  setdefaulttimeout,
  socket,
} from '../../src/socket/index.js';
import { needs } from '../support/interop.js';
import { listener, readExactly, sleep, tcpPair } from './support.js';

describe('timeouts', () => {
  test('recv() with a timeout rejects with SocketTimeoutError when nothing arrives', async () => {
    const [a, b] = await tcpPair();
    a.settimeout(0.2);
    assert.equal(a.gettimeout(), 0.2);
    const started = performance.now();
    const err = await a.recv(10).catch((e: unknown) => e);
    assert.ok(err instanceof SocketTimeoutError);
    assert.equal(err.code, 'ETIMEDOUT');
    assert.match(
      err.message,
      /^recv tcp 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+: timed out \(ETIMEDOUT\)$/,
    );
    assert.ok(performance.now() - started >= 120);
    a.close();
    b.close();
  });

  test('a socket that timed out still receives data that arrives later', async () => {
    const [a, b] = await tcpPair();
    a.settimeout(0.2);
    await assert.rejects(a.recv(10), SocketTimeoutError);
    await b.sendall('late');
    assert.equal((await readExactly(a, 4)).toString(), 'late');
    a.close();
    b.close();
  });

  test('accept() with a timeout rejects with SocketTimeoutError when nobody connects', async () => {
    const server = await listener();
    server.settimeout(0.2);
    await assert.rejects(server.accept(), SocketTimeoutError);
    server.close();
  });

  test('recvfrom() on UDP with a timeout rejects with SocketTimeoutError', async () => {
    const udp = socket(2, 2);
    await udp.bind(['127.0.0.1', 0]);
    udp.settimeout(0.2);
    await assert.rejects(udp.recvfrom(100), SocketTimeoutError);
    udp.close();
  });

  test('connect() to a listener whose backlog is full times out', needs('python3'), async () => {
    // Node accepts eagerly, so the full backlog comes from a plain Python listener that never
    // accepts: once its queue is full the kernel drops further SYNs and connect() waits.
    const python = spawn(
      'python3',
      [
        '-c',
        'import socket,sys;s=socket.socket();s.bind(("127.0.0.1",0));s.listen(0);print(s.getsockname()[1],flush=True);sys.stdin.read()',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    const port = await new Promise<number>((resolve, reject) => {
      python.once('error', reject);
      python.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    });
    assert.ok(Number.isInteger(port) && port > 0, `python3 printed no port: ${port}`);
    const fillers = [];
    try {
      // Fill the accept queue (backlog 0 holds one) and the SYN backlog behind it.
      for (let i = 0; i < 4; i++) {
        const filler = socket();
        filler.settimeout(0.3);
        fillers.push(filler);
        if ((await filler.connectEx(['127.0.0.1', port])) !== 0) break;
      }
      const sock = socket();
      fillers.push(sock);
      sock.settimeout(0.3);
      await assert.rejects(sock.connect(['127.0.0.1', port]), SocketTimeoutError);
    } finally {
      for (const f of fillers) f.close();
      python.stdin.end();
      python.kill();
    }
  });

  test('setdefaulttimeout() applies to sockets created afterwards only', () => {
    assert.equal(getdefaulttimeout(), null);
    const before = socket();
    setdefaulttimeout(2.5);
    try {
      const after = socket();
      assert.equal(after.gettimeout(), 2.5);
      assert.equal(before.gettimeout(), null);
      after.close();
    } finally {
      setdefaulttimeout(null);
      before.close();
    }
  });

  test('setblocking() and settimeout() are two views of one setting', () => {
    const sock = socket();
    sock.setblocking(false);
    assert.equal(sock.gettimeout(), 0);
    assert.equal(sock.getblocking(), false);
    sock.settimeout(1);
    assert.equal(sock.getblocking(), true);
    sock.setblocking(true);
    assert.equal(sock.gettimeout(), null);
    sock.close();
  });
});

describe('non-blocking mode', () => {
  test('recv() with nothing waiting rejects at once with BlockingIOError EAGAIN', async () => {
    const [a, b] = await tcpPair();
    a.setblocking(false);
    const err = await a.recv(10).catch((e: unknown) => e);
    assert.ok(err instanceof BlockingIOError);
    assert.equal(err.code, 'EAGAIN');
    assert.equal(err.errno, 11);
    b.settimeout(null);
    await assert.rejects(b.recv(10, MSG_DONTWAIT), { code: 'EAGAIN' });
    a.close();
    b.close();
  });

  test('accept() with nobody waiting rejects with EAGAIN', async () => {
    const server = await listener();
    server.setblocking(false);
    await assert.rejects(server.accept(), { code: 'EAGAIN' });
    server.close();
  });

  test('connect() rejects with EINPROGRESS, then the socket turns writable and SO_ERROR is 0', async () => {
    const server = await listener();
    const sock = socket();
    sock.setblocking(false);
    const err = await sock.connect(server.getsockname()).catch((e: unknown) => e);
    assert.ok(err instanceof BlockingIOError);
    assert.equal(err.code, 'EINPROGRESS');
    assert.equal(err.errno, 115);
    await new Promise<void>((resolve) => {
      if (sock.readiness & READY_WRITE) return resolve();
      const stop = sock.watch(() => {
        if (sock.readiness & READY_WRITE) {
          stop();
          resolve();
        }
      });
    });
    assert.equal(sock.getsockopt(SOL_SOCKET, SO_ERROR), 0);
    assert.ok((sock.getpeername()[1] as number) > 0);
    sock.close();
    server.close();
  });

  test('connectEx() on a non-blocking socket returns 115 (EINPROGRESS)', async () => {
    const server = await listener();
    const sock = socket();
    sock.setblocking(false);
    assert.equal(await sock.connectEx(server.getsockname()), 115);
    sock.close();
    server.close();
  });

  test('a slow reader makes non-blocking send() raise EAGAIN after a bounded amount', async () => {
    const [a, b] = await tcpPair();
    a.setblocking(false);
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    let err: unknown = null;
    for (let i = 0; i < 2000 && err === null; i++) {
      try {
        written += await a.send(chunk);
      } catch (e) {
        err = e;
      }
      if (i % 16 === 0) await sleep(1);
    }
    assert.ok(err instanceof BlockingIOError, `no EAGAIN after ${written} bytes`);
    assert.ok(written < 32 * 1024 * 1024, `wrote ${written} bytes before EAGAIN`);
    a.close();
    b.close();
  });
});
