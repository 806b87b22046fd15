import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AF_INET6, AF_UNIX } from '../../src/socket/index.js';
import { connectedPair } from '../../src/testing/index.js';
import { needsIpv6Loopback } from '../support/interop.js';

/** Runs wherever ::1 works; where it does not, skips, or fails under POLYPORT_REQUIRE_INTEROP=1. */
const ipv6 = await needsIpv6Loopback();

test('connectedPair() returns two loopback TCP sockets connected to each other', async () => {
  const [client, server] = await connectedPair();
  assert.deepEqual(client.getpeername(), server.getsockname());
  await client.sendall('ping');
  assert.equal((await server.recv(4)).toString(), 'ping');
  await server.sendall('pong');
  assert.equal((await client.recv(4)).toString(), 'pong');
  client.close();
  server.close();
});

test('connectedPair() over IPv6 uses ::1', ipv6, async () => {
  const [client, server] = await connectedPair({ family: AF_INET6 });
  assert.equal((client.getpeername() as [string, number])[0], '::1');
  client.close();
  server.close();
});

test('connectedPair() refuses families other than AF_INET and AF_INET6', async () => {
  await assert.rejects(connectedPair({ family: AF_UNIX }), RangeError);
});
