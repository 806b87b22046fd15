import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import {
  AF_INET,
  IPPROTO_TCP,
  SO_RCVBUF,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  socket,
  TCP_NODELAY,
} from '../../src/socket/index.js';

/** Whether this process has loaded one of polyport's addons (each test file runs alone). */
function addonLoaded(name = 'fd_socket'): boolean {
  const require = createRequire(import.meta.url);
  return Object.keys(require.cache).some((path) => path.endsWith(`/${name}.node`));
}

test('a UDP client, bound by connect() or by its first sendto(), receives without batched I/O and never loads the batching addon', async () => {
  const server = createSocket('udp4');
  server.on('message', (data, from) => server.send(data, from.port, from.address));
  server.bind(0, '127.0.0.1');
  await once(server, 'listening');
  const address: [string, number] = ['127.0.0.1', server.address().port];
  const connected = socket(AF_INET, SOCK_DGRAM);
  await connected.connect(address);
  await connected.send(Buffer.from('one'));
  assert.deepEqual(await connected.recv(100), Buffer.from('one'));
  const unbound = socket(AF_INET, SOCK_DGRAM);
  await unbound.sendto(Buffer.from('two'), address);
  assert.deepEqual((await unbound.recvfrom(100))[0], Buffer.from('two'));
  assert.equal(addonLoaded('datagram_batch'), false);
  for (const s of [connected, unbound]) s.close();
  server.close();
});

test('a TCP client that connects and sets only options Node or polyport carries (TCP_NODELAY, SO_RCVBUF) never loads the native addon', async () => {
  assert.equal(addonLoaded(), false, 'nothing loaded it before the test');
  const server = socket(AF_INET, SOCK_STREAM);
  await server.bind(['127.0.0.1', 0]);
  await server.listen(1);
  const client = socket(AF_INET, SOCK_STREAM);
  await client.connect(server.getsockname());
  const [conn] = await server.accept();
  client.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  client.setsockopt(SOL_SOCKET, SO_RCVBUF, 1024 * 1024);
  assert.equal(client.getsockopt(SOL_SOCKET, SO_RCVBUF), 1024 * 1024);
  await client.sendall(Buffer.from('ping'));
  assert.deepEqual(await conn.recv(4), Buffer.from('ping'));
  assert.equal(addonLoaded(), false);
  // An option only the kernel carries does load it, and reaches the kernel.
  client.setsockopt(IPPROTO_TCP, 4 /* TCP_KEEPIDLE */, 77);
  assert.equal(client.getsockopt(IPPROTO_TCP, 4), 77);
  assert.equal(addonLoaded(), true);
  for (const s of [client, conn, server]) s.close();
});
