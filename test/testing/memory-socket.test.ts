import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  MSG_PEEK,
  READY_CLOSED,
  READY_ERROR,
  READY_HUP,
  READY_READ,
  READY_WRITE,
  SHUT_WR,
  SO_ERROR,
  SO_SNDBUF,
  SO_TYPE,
  SOCK_STREAM,
  SOL_SOCKET,
} from '../../src/socket/index.js';
import { MemorySocket, memorySocketPair } from '../../src/testing/index.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('memorySocketPair()', () => {
  test('bytes sent by one end are received by the other, in order', () => {
    const [a, b] = memorySocketPair();
    assert.equal(a.sendNowait('hello, '), 7);
    assert.equal(a.sendNowait(Buffer.from('world')), 5);
    assert.equal(b.recvNowait(5)?.toString(), 'hello');
    assert.equal(b.recvNowait(100)?.toString(), ', world');
    assert.equal(b.recvNowait(100), null, 'nothing more has arrived');
  });

  test('each end sees the other as its peer', () => {
    const [a, b] = memorySocketPair();
    assert.deepEqual(a.getpeername(), b.getsockname());
    assert.deepEqual(b.getpeername(), a.getsockname());
    assert.notDeepEqual(a.getsockname(), b.getsockname());
  });

  test('a full send buffer takes part of a send, then reports -1, until the peer reads', () => {
    const [a, b] = memorySocketPair({ sendBufferSize: 10 });
    assert.equal(a.sendNowait('0123456'), 7);
    assert.equal(a.sendNowait('789abc'), 3);
    assert.equal(a.sendNowait('x'), -1);
    assert.equal(a.readiness & READY_WRITE, 0);
    assert.equal(b.recvNowait(4)?.toString(), '0123');
    assert.ok(a.readiness & READY_WRITE, 'a.readiness & READY_WRITE');
    assert.equal(a.sendNowait('defgh'), 4);
  });

  test('readiness shows data to read, room to write, end of stream and closing', () => {
    const [a, b] = memorySocketPair();
    assert.equal(b.readiness, READY_WRITE);
    a.sendNowait('x');
    assert.equal(b.readiness, READY_READ | READY_WRITE);
    a.close();
    assert.equal(a.readiness, READY_CLOSED);
    assert.equal(b.readiness & (READY_READ | READY_HUP), READY_READ | READY_HUP);
    assert.equal(b.recvNowait(10)?.toString(), 'x');
    assert.equal(b.recvNowait(10)?.length, 0, 'then end of stream');
  });

  test('watchers are told of changes on a later turn of the event loop, once per turn', async () => {
    const [a, b] = memorySocketPair();
    let calls = 0;
    const stop = b.watch(() => {
      calls += 1;
    });
    a.sendNowait('1');
    a.sendNowait('2');
    assert.equal(calls, 0, 'not synchronously');
    await tick();
    assert.equal(calls, 1);
    stop();
    a.sendNowait('3');
    await tick();
    assert.equal(calls, 1, 'not after stop()');
  });

  test('sending to a closed peer fails with EPIPE; using a closed socket fails with EBADF', () => {
    const [a, b] = memorySocketPair();
    b.close();
    assert.throws(() => a.sendNowait('x'), { code: 'EPIPE' });
    assert.throws(() => b.recvNowait(1), { code: 'EBADF' });
    assert.throws(() => b.sendNowait('x'), { code: 'EBADF' });
    assert.throws(() => b.getpeername(), { code: 'EBADF' });
    b.close();
  });

  test('abort() makes the peer see a reset: readable, writable and in error, then ECONNRESET once', () => {
    const [a, b] = memorySocketPair();
    a.sendNowait('lost');
    a.abort();
    assert.equal(
      b.readiness & (READY_READ | READY_WRITE | READY_ERROR),
      READY_READ | READY_WRITE | READY_ERROR,
    );
    assert.throws(() => b.recvNowait(10), { code: 'ECONNRESET' });
    assert.equal(b.recvNowait(10)?.length, 0, 'then end of stream');
  });

  test('a reset is reported through SO_ERROR and cleared by reading it', () => {
    const [a] = memorySocketPair();
    a.resetByPeer();
    assert.equal(a.getsockopt(SOL_SOCKET, SO_ERROR), 104);
    assert.equal(a.getsockopt(SOL_SOCKET, SO_ERROR), 0);
  });

  test('shutdown(SHUT_WR) gives the peer end of stream and refuses further sends', () => {
    const [a, b] = memorySocketPair();
    a.sendNowait('bye');
    a.shutdown(SHUT_WR);
    assert.throws(() => a.sendNowait('x'), { code: 'EPIPE' });
    assert.equal(b.recvNowait(10)?.toString(), 'bye');
    assert.equal(b.recvNowait(10)?.length, 0);
    assert.equal(b.sendNowait('still open'), 10);
    assert.equal(a.recvNowait(100)?.toString(), 'still open');
    assert.throws(() => a.shutdown(7), RangeError);
  });

  test('MSG_PEEK leaves the bytes in place', () => {
    const [a, b] = memorySocketPair();
    a.sendNowait('peek');
    assert.equal(b.recvNowait(2, MSG_PEEK)?.toString(), 'pe');
    assert.equal(b.recvNowait(10)?.toString(), 'peek');
  });

  test('options: SO_TYPE, SO_SNDBUF (which sets the buffer) and stored values', () => {
    const [a] = memorySocketPair();
    assert.equal(a.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    a.setsockopt(SOL_SOCKET, SO_SNDBUF, 100);
    assert.equal(a.sendBufferSize, 100);
    assert.equal(a.getsockopt(SOL_SOCKET, SO_SNDBUF), 100);
    a.setsockopt(6, 1, true);
    assert.equal(a.getsockopt(6, 1), 1);
    assert.throws(() => a.setsockopt(SOL_SOCKET, SO_SNDBUF, 0), RangeError);
  });

  test('connect(), bind(), listen() and acceptNowait() refuse, as on a connected socket', async () => {
    const [a] = memorySocketPair();
    await assert.rejects(a.connect(['127.0.0.1', 1]), { code: 'EISCONN' });
    await assert.rejects(a.bind(['127.0.0.1', 1]), { code: 'EINVAL' });
    await assert.rejects(a.listen(), { code: 'EINVAL' });
    assert.throws(() => a.acceptNowait(), { code: 'EINVAL' });
  });

  test('bad arguments are refused with TypeError or RangeError', () => {
    const [a] = memorySocketPair();
    assert.throws(() => a.recvNowait(-1), RangeError);
    assert.throws(() => a.sendNowait(42 as never), TypeError);
    assert.throws(() => new MemorySocket({ sendBufferSize: 0 }), RangeError);
  });

  test('everything sent is captured by sentData(), and clearSent() forgets it', () => {
    const [a] = memorySocketPair();
    a.sendNowait('one ');
    a.sendNowait('two');
    assert.equal(a.sentData().toString(), 'one two');
    a.clearSent();
    a.sendNowait('three');
    assert.equal(a.sentData().toString(), 'three');
  });

  test('random bytes sent in random pieces through a random buffer size arrive intact and in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        (pieces, bufferSize, readSize) => {
          const [a, b] = memorySocketPair({ sendBufferSize: bufferSize });
          const received: Buffer[] = [];
          for (const piece of pieces) {
            let rest = Buffer.from(piece);
            while (rest.length > 0) {
              const sent = a.sendNowait(rest);
              if (sent > 0) rest = rest.subarray(sent);
              else {
                const data = b.recvNowait(readSize);
                assert.ok(data !== null && data.length > 0, 'a full buffer means data to read');
                received.push(data);
              }
            }
          }
          for (let data = b.recvNowait(readSize); data !== null; data = b.recvNowait(readSize)) {
            received.push(data);
          }
          assert.deepEqual(
            Buffer.concat(received),
            Buffer.concat(pieces.map((p) => Buffer.from(p))),
          );
        },
      ),
    );
  });
});

describe('MemorySocket alone', () => {
  test('a lone socket talks to a fictional peer played by feed(), feedEof() and drain()', () => {
    const sock = new MemorySocket({ sendBufferSize: 4 });
    sock.feed('in');
    assert.equal(sock.recvNowait(10)?.toString(), 'in');
    assert.equal(sock.sendNowait('output'), 4);
    assert.equal(sock.sendNowait('x'), -1);
    sock.drain(2);
    assert.equal(sock.sendNowait('put'), 2);
    sock.drain();
    assert.ok(sock.readiness & READY_WRITE, 'sock.readiness & READY_WRITE');
    sock.feedEof();
    assert.equal(sock.recvNowait(10)?.length, 0);
    assert.equal(sock.sentData().toString(), 'outppu');
    assert.throws(() => sock.drain(-1), RangeError);
    assert.equal(sock.fileno(), -1);
    assert.match(String(sock), /^<MemorySocket 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+>$/);
  });
});
