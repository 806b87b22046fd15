/**
 * SO_REUSEPORT: sockets bound to one address and port, the kernel spreading connections and
 * datagrams between them, in one process and across processes (as `serve --workers` runs).
 * Node 22.12+ sets it through its own `reusePort` option; Node 20 through a socket the native
 * addon binds (src/socket/reuse-port.ts). Every test runs on both paths across the matrix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createServer,
  SO_REUSEPORT,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  SocketError,
  socket,
} from '../../src/socket/index.js';
import { batchedDatagrams, loadedAddon } from '../../src/socket/node/batched-datagrams.js';
import { reusePortPath } from '../../src/socket/reuse-port.js';
import { withSwitchOff } from './node/switches.js';
import {
  familyOf,
  REUSE_PORT_SKIP,
  startPeer,
  tagOfConnection,
  tagOfDatagram,
  untilEachAnswers,
} from './reuse-port-support.js';
import { LOOPBACKS } from './support.js';

/** A socket of `type` bound to `address`, with SO_REUSEPORT set first when `reuse` is. */
async function bound(
  type: number,
  host: string,
  port: number,
  reuse: boolean,
  opened: Socket[],
): Promise<Socket> {
  const sock = socket(familyOf(host), type);
  opened.push(sock);
  if (reuse) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
  await sock.bind([host, port]);
  if (type === SOCK_STREAM) await sock.listen(64);
  return sock;
}

/** Answers every connection on `listener` with `tag`, until the listener closes. */
async function acceptWithTag(listener: Socket, tag: string): Promise<void> {
  try {
    for (;;) {
      const [conn] = await listener.accept();
      await conn.sendall(tag);
      conn.close();
    }
  } catch (err) {
    if (!listener.closed) throw err;
  }
}

/** Answers every datagram on `sock` with `tag`, until the socket closes. */
async function answerWithTag(sock: Socket, tag: string): Promise<void> {
  try {
    for (;;) {
      const [, from] = await sock.recvfrom(2048);
      await sock.sendto(tag, from);
    }
  } catch (err) {
    if (!sock.closed) throw err;
  }
}

const port = (sock: Socket): number => (sock.getsockname() as [string, number])[1];

describe('SO_REUSEPORT', () => {
  test('this Node can set it (Node 22.12+ itself, older ones through the native addon)', (t) => {
    if (REUSE_PORT_SKIP !== undefined) {
      t.skip(REUSE_PORT_SKIP);
      return;
    }
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const hasOption = major > 22 || (major === 22 && minor >= 12);
    assert.equal(reusePortPath(), hasOption ? 'public' : 'native');
  });

  test('setsockopt() sets it where this Node or the addon can, and fails with ENOPROTOOPT naming Node 22.12 and the addon where neither can', () => {
    const sock = socket();
    try {
      if (reusePortPath() === 'unavailable') {
        assert.throws(
          () => sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1),
          (err: unknown) =>
            err instanceof SocketError &&
            err.code === 'ENOPROTOOPT' &&
            /Node\.js 22\.12/.test(err.message) &&
            /npm run build:native/.test(err.message),
        );
      } else {
        sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
        assert.equal(sock.getsockopt(SOL_SOCKET, SO_REUSEPORT), 1);
      }
      // Turning it off is always possible: nothing needs to happen at the bind.
      sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 0);
    } finally {
      sock.close();
    }
  });

  for (const { host } of LOOPBACKS) {
    describe(`over ${host}`, { skip: REUSE_PORT_SKIP }, () => {
      const opened: Socket[] = [];
      after(() => {
        for (const sock of opened) sock.close();
      });

      test('two TCP listeners with it bind one port and both accept connections', async () => {
        const a = await bound(SOCK_STREAM, host, 0, true, opened);
        const b = await bound(SOCK_STREAM, host, port(a), true, opened);
        assert.deepEqual(b.getsockname(), a.getsockname());
        const serving = [acceptWithTag(a, 'a'), acceptWithTag(b, 'b')];
        await untilEachAnswers(['a', 'b'], () => tagOfConnection(a.getsockname(), host));
        a.close();
        b.close();
        await Promise.all(serving);
      });

      test('two UDP sockets with it bind one port and both receive datagrams', async () => {
        const a = await bound(SOCK_DGRAM, host, 0, true, opened);
        const b = await bound(SOCK_DGRAM, host, port(a), true, opened);
        assert.deepEqual(b.getsockname(), a.getsockname());
        const serving = [answerWithTag(a, 'a'), answerWithTag(b, 'b')];
        await untilEachAnswers(['a', 'b'], () => tagOfDatagram(a.getsockname(), host));
        a.close();
        b.close();
        await Promise.all(serving);
      });

      for (const [name, type] of [
        ['TCP', SOCK_STREAM],
        ['UDP', SOCK_DGRAM],
      ] as const) {
        test(`without it a second ${name} bind to the port fails with EADDRINUSE`, async () => {
          const a = await bound(type, host, 0, false, opened);
          await assert.rejects(bound(type, host, port(a), false, opened), { code: 'EADDRINUSE' });
          a.close();
        });

        test(`a ${name} socket without it cannot join a port bound with it, nor the reverse`, async () => {
          const shared = await bound(type, host, 0, true, opened);
          await assert.rejects(bound(type, host, port(shared), false, opened), {
            code: 'EADDRINUSE',
          });
          const single = await bound(type, host, 0, false, opened);
          await assert.rejects(bound(type, host, port(single), true, opened), {
            code: 'EADDRINUSE',
          });
          shared.close();
          single.close();
        });
      }

      test('a TCP listener in another process shares the port, and both accept connections', async () => {
        const here = await bound(SOCK_STREAM, host, 0, true, opened);
        const peer = await startPeer('tcp', [host, port(here)], 'child');
        const serving = acceptWithTag(here, 'parent');
        try {
          await untilEachAnswers(['parent', 'child'], () =>
            tagOfConnection(here.getsockname(), host),
          );
        } finally {
          here.close();
          await peer.stop();
          await serving;
        }
      });

      test('a UDP socket in another process shares the port, and both receive datagrams', async () => {
        const here = await bound(SOCK_DGRAM, host, 0, true, opened);
        const peer = await startPeer('udp', [host, port(here)], 'child');
        const serving = answerWithTag(here, 'parent');
        try {
          await untilEachAnswers(['parent', 'child'], () =>
            tagOfDatagram(here.getsockname(), host),
          );
        } finally {
          here.close();
          await peer.stop();
          await serving;
        }
      });

      test('createServer() with reusePort shares the port with a socket that set the option', async () => {
        const first = await createServer([host, 0], { family: familyOf(host), reusePort: true });
        opened.push(first);
        const second = await bound(SOCK_STREAM, host, port(first), true, opened);
        const serving = [acceptWithTag(first, 'first'), acceptWithTag(second, 'second')];
        await untilEachAnswers(['first', 'second'], () =>
          tagOfConnection(first.getsockname(), host),
        );
        first.close();
        second.close();
        await Promise.all(serving);
      });
    });
  }
});

describe('batched datagram I/O on a reuse-port socket', { skip: REUSE_PORT_SKIP }, () => {
  let available = false;
  before(async () => {
    available = await withSwitchOff('POLYPORT_PUBLIC_DATAGRAMS', () => batchedDatagrams.ready());
  });

  test('each socket of the group receives through the addon, and every datagram arrives', async (t) => {
    if (!available && process.env.POLYPORT_REQUIRE_NATIVE !== '1') {
      t.skip(`batched I/O not usable here: ${batchedDatagrams.status().reason}`);
      return;
    }
    assert.ok(available, batchedDatagrams.status().reason);
    const calls = loadedAddon();
    assert.ok(calls !== null);
    // The descriptors batched I/O attached to, read where the socket layer hands them over.
    const attached: number[] = [];
    const open = calls.open;
    calls.open = (fd, family, onReadable) => {
      attached.push(fd);
      return open(fd, family, onReadable);
    };
    const opened: Socket[] = [];
    try {
      const [a, b] = await withSwitchOff('POLYPORT_PUBLIC_DATAGRAMS', async () => {
        const first = await bound(SOCK_DGRAM, '127.0.0.1', 0, true, opened);
        return [first, await bound(SOCK_DGRAM, '127.0.0.1', port(first), true, opened)];
      });
      assert.deepEqual(attached, [a.fileno(), b.fileno()]);
      const serving = [answerWithTag(a, 'a'), answerWithTag(b, 'b')];
      await untilEachAnswers(['a', 'b'], () => tagOfDatagram(a.getsockname(), '127.0.0.1'));
      a.close();
      b.close();
      await Promise.all(serving);
    } finally {
      calls.open = open;
      for (const sock of opened) sock.close();
    }
  });
});
