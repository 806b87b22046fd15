/**
 * Bound datagram sockets receive through the native addon's recvmmsg batches and send through
 * its sendto (batched-datagrams.ts), or through node:dgram alone when
 * POLYPORT_PUBLIC_DATAGRAMS=1 (read when a socket is bound). The behaviours below must be the
 * same on both paths, so every one runs on both.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, test } from 'node:test';
import {
  AF_INET,
  SOCK_DGRAM,
  type Socket,
  type SocketAddress,
  SocketError,
  socket,
} from '../../../src/socket/index.js';
import { batchedDatagrams } from '../../../src/socket/node/batched-datagrams.js';
import { LOOPBACKS, sleep } from '../support.js';
import { withSwitchOff } from './switches.js';

const PATHS = [
  { name: 'batched I/O', publicOnly: false },
  { name: 'node:dgram alone', publicOnly: true },
] as const;

/** Binds a UDP socket with the given path chosen (the choice is made when it is bound). */
async function boundUdp(
  publicOnly: boolean,
  family = AF_INET,
  host = '127.0.0.1',
): Promise<Socket> {
  const saved = process.env.POLYPORT_PUBLIC_DATAGRAMS;
  if (publicOnly) process.env.POLYPORT_PUBLIC_DATAGRAMS = '1';
  else delete process.env.POLYPORT_PUBLIC_DATAGRAMS;
  try {
    const sock = socket(family, SOCK_DGRAM);
    await sock.bind([host, 0]);
    return sock;
  } finally {
    if (saved === undefined) delete process.env.POLYPORT_PUBLIC_DATAGRAMS;
    else process.env.POLYPORT_PUBLIC_DATAGRAMS = saved;
  }
}

/** Waits for a send's failure to become the socket's pending error, and takes it. */
async function pendingError(sock: Socket): Promise<unknown> {
  await sleep(20);
  try {
    sock.recvfromNowait(10);
    return null;
  } catch (err) {
    return err;
  }
}

/** Whether the batched path can be tested here (the self-test ran with the switch cleared). */
let available = false;

describe('batched datagram I/O', () => {
  before(async () => {
    available = await withSwitchOff('POLYPORT_PUBLIC_DATAGRAMS', () => batchedDatagrams.ready());
  });

  test('the native addon is built and passes its self-test (npm ci builds it; CI requires it)', (t) => {
    if (process.env.POLYPORT_REQUIRE_NATIVE !== '1' && !available) {
      t.skip(`not usable here: ${batchedDatagrams.status().reason}`);
      return;
    }
    assert.ok(available, batchedDatagrams.status().reason);
    withSwitchOff('POLYPORT_PUBLIC_DATAGRAMS', () => {
      assert.deepEqual(batchedDatagrams.status(), {
        name: 'batched_datagrams',
        active: true,
        reason: '',
      });
    });
  });

  test('POLYPORT_PUBLIC_DATAGRAMS=1 turns batched I/O off', () => {
    const saved = process.env.POLYPORT_PUBLIC_DATAGRAMS;
    process.env.POLYPORT_PUBLIC_DATAGRAMS = '1';
    try {
      assert.equal(batchedDatagrams.usable(), false);
      assert.equal(batchedDatagrams.status().reason, 'POLYPORT_PUBLIC_DATAGRAMS=1');
    } finally {
      if (saved === undefined) delete process.env.POLYPORT_PUBLIC_DATAGRAMS;
      else process.env.POLYPORT_PUBLIC_DATAGRAMS = saved;
    }
  });

  test('a send to a name (not a literal) goes through node:dgram and arrives', async () => {
    const server = await boundUdp(false);
    const client = await boundUdp(false);
    const port = (server.getsockname() as [string, number])[1];
    await client.sendto('named', ['localhost', port]);
    assert.equal((await server.recvfrom(10))[0].toString(), 'named');
    client.close();
    server.close();
  });

  test('on the batched path a failed send is reported at the next call, whatever checkEvery says', async (t) => {
    if (!available && process.env.POLYPORT_REQUIRE_NATIVE !== '1') {
      t.skip('the addon is not built');
      return;
    }
    const sock = await boundUdp(false, AF_INET, '0.0.0.0');
    // Without SO_BROADCAST the kernel refuses a broadcast at once: no send goes unchecked.
    for (let i = 0; i < 3; i++) {
      assert.equal(sock.sendtoOwnedNowait(Buffer.from('x'), ['255.255.255.255', 9], 1000), 1);
      const err = await pendingError(sock);
      assert.ok(err instanceof SocketError, `send ${i} is reported`);
      assert.equal(err.code, 'EACCES');
      assert.match(err.message, /255\.255\.255\.255:9/);
    }
    sock.close();
  });

  for (const { name, publicOnly } of PATHS) {
    for (const { family, host } of LOOPBACKS) {
      describe(`${name} over ${host}`, () => {
        test('more datagrams than one batch holds arrive whole, in order, with their sender', async () => {
          const server = await boundUdp(publicOnly, family, host);
          const client = await boundUdp(publicOnly, family, host);
          const count = 150;
          for (let i = 0; i < count; i++) {
            client.sendtoNowait(Buffer.from(`datagram ${i}`), server.getsockname());
          }
          for (let i = 0; i < count; i++) {
            const [data, from] = await server.recvfrom(100);
            assert.equal(data.toString(), `datagram ${i}`);
            assert.deepEqual(from, client.getsockname());
          }
          client.close();
          server.close();
        });

        test('a datagram of 60,000 bytes and an empty one arrive intact', async () => {
          const server = await boundUdp(publicOnly, family, host);
          const client = await boundUdp(publicOnly, family, host);
          const big = Buffer.alloc(60_000, 7);
          big.writeUInt32BE(0xdeadbeef, 59_990);
          await client.sendto(big, server.getsockname());
          await client.sendto(Buffer.alloc(0), server.getsockname());
          assert.deepEqual((await server.recvfrom(65535))[0], big);
          assert.equal((await server.recvfrom(65535))[0].length, 0);
          client.close();
          server.close();
        });

        test('datagrams from several senders each carry their own address', async () => {
          const server = await boundUdp(publicOnly, family, host);
          const clients = await Promise.all(
            [1, 2, 3].map(() => boundUdp(publicOnly, family, host)),
          );
          for (const [i, client] of clients.entries()) {
            await client.sendto(String(i), server.getsockname());
          }
          const seen = new Map<string, SocketAddress>();
          for (const _ of clients) {
            const [data, from] = await server.recvfrom(10);
            seen.set(data.toString(), from);
          }
          for (const [i, client] of clients.entries()) {
            assert.deepEqual(seen.get(String(i)), client.getsockname());
            client.close();
          }
          server.close();
        });

        test('a connected socket learns of an unreachable port on a later call', async () => {
          const gone = await boundUdp(publicOnly, family, host);
          const target = gone.getsockname();
          gone.close();
          const client = await boundUdp(publicOnly, family, host);
          await client.connect(target);
          await client.send('anyone?');
          // The kernel's port-unreachable arrives as the connected socket's next error.
          const err = await client.recv(10).then(
            () => null,
            (e: unknown) => e,
          );
          assert.ok(err instanceof SocketError, 'recv() fails');
          assert.equal(err.code, 'ECONNREFUSED');
          client.close();
        });

        test('closing with datagrams unread stops delivery and frees the port, even with a child process alive', async () => {
          const server = await boundUdp(publicOnly, family, host);
          const client = await boundUdp(publicOnly, family, host);
          // A child started while the socket is open must not inherit it (and keep the port).
          const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], {
            stdio: 'ignore',
          });
          const address = server.getsockname();
          for (let i = 0; i < 10; i++) client.sendtoNowait('x', address);
          await sleep(10);
          server.close();
          for (let i = 0; i < 10; i++) client.sendtoNowait('y', address);
          await sleep(10);
          const again = socket(family, SOCK_DGRAM);
          try {
            await again.bind([host, (address as [string, number])[1]]);
          } finally {
            child.kill();
          }
          again.close();
          client.close();
        });
      });
    }
  }
});
