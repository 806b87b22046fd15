import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AF_INET,
  AF_INET6,
  SOCK_DGRAM,
  SocketError,
  setdefaulttimeout,
  socket,
} from '../../src/socket/index.js';
import { tcpPair } from './support.js';

describe('bad arguments', () => {
  test('an AF_INET address that is not a (host, port) tuple fails with TypeError', async () => {
    const sock = socket();
    await assert.rejects(sock.connect('127.0.0.1:80' as never), {
      name: 'TypeError',
      message: 'connect(): AF_INET address must be a tuple (host, port), got "127.0.0.1:80"',
    });
    await assert.rejects(sock.connect(['127.0.0.1', 80, 0, 0] as never), TypeError);
    await assert.rejects(sock.bind([80, '127.0.0.1'] as never), {
      name: 'TypeError',
      message: 'bind(): host must be a string, got 80',
    });
    sock.close();
  });

  test('a port outside 0..65535 or not an integer fails with RangeError', async () => {
    const sock = socket();
    await assert.rejects(sock.connect(['127.0.0.1', 65536]), {
      name: 'RangeError',
      message: 'connect(): port must be an integer from 0 to 65535, got 65536',
    });
    await assert.rejects(sock.connect(['127.0.0.1', -1]), RangeError);
    await assert.rejects(sock.connect(['127.0.0.1', 1.5]), RangeError);
    await assert.rejects(sock.bind(['127.0.0.1', '80' as never]), RangeError);
    sock.close();
  });

  test('AF_INET6 accepts tuples of 2 to 4 elements only, as Python does', async () => {
    const sock = socket(AF_INET6);
    await assert.rejects(sock.connect(['::1', 1, 0, 0, 0] as never), {
      name: 'TypeError',
      message:
        'connect(): AF_INET6 address must be a tuple (host, port[, flowinfo, scopeId]), got ["::1", 1, 0, 0, 0]',
    });
    sock.close();
  });

  test('a negative bufsize fails with RangeError and a non-integer with TypeError', async () => {
    const [a, b] = await tcpPair();
    await assert.rejects(a.recv(-1), {
      name: 'RangeError',
      message: 'recv(): negative buffersize in recv: -1',
    });
    await assert.rejects(a.recv(1.5), TypeError);
    await assert.rejects(a.recvfrom(-5), RangeError);
    await assert.rejects(a.recvInto(Buffer.alloc(4), 8), {
      name: 'RangeError',
      message: 'recvInto(): nbytes 8 is greater than the buffer (4)',
    });
    await assert.rejects(a.recvInto('x' as never), TypeError);
    a.close();
    b.close();
  });

  test('data that is not bytes or a string fails with TypeError', async () => {
    const [a, b] = await tcpPair();
    await assert.rejects(a.send(42 as never), {
      name: 'TypeError',
      message: 'send(): data must be a Uint8Array, a Buffer or a string, got 42',
    });
    await assert.rejects(a.sendall({} as never), TypeError);
    a.close();
    b.close();
  });

  test('shutdown() with a bad how fails with RangeError', async () => {
    const [a, b] = await tcpPair();
    assert.throws(() => a.shutdown(3), {
      name: 'RangeError',
      message: 'shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got 3',
    });
    a.close();
    b.close();
  });

  test('a bad timeout fails with TypeError or RangeError', () => {
    const sock = socket();
    assert.throws(() => sock.settimeout(-1), {
      name: 'RangeError',
      message: 'settimeout(): timeout value out of range: -1',
    });
    assert.throws(() => sock.settimeout(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => sock.settimeout('1' as never), TypeError);
    assert.throws(() => sock.settimeout(Number.NaN), TypeError);
    assert.throws(() => setdefaulttimeout(-3), RangeError);
    sock.close();
  });

  test('non-integer family, type or proto fail with TypeError', () => {
    assert.throws(() => socket('AF_INET' as never), TypeError);
    assert.throws(() => socket(AF_INET, 1.5), TypeError);
  });

  test('listen() with a non-integer backlog fails with TypeError', async () => {
    const sock = socket();
    await assert.rejects(sock.listen('5' as never), TypeError);
    sock.close();
  });

  test('random address shapes never crash bind(): they fail with TypeError, RangeError or a SocketError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (address) => {
        const sock = socket(AF_INET, SOCK_DGRAM);
        try {
          await sock.bind(address as never);
        } catch (err) {
          // Our own argument checks name the call; a TypeError from a crash inside would not.
          const checked =
            (err instanceof TypeError || err instanceof RangeError) &&
            err.message.startsWith('bind(): ');
          assert.ok(checked || err instanceof SocketError, String(err));
        } finally {
          sock.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});
