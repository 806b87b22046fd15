/** readProxyHeader(): the PROXY header read first on an accepted socket, over real loopback sockets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../src/server/clock.js';
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '../../src/server/proxy-header.js';
import { ProxyHeaderError, readProxyHeader } from '../../src/server/proxy-header-phase.js';
import { ConnectionResetError, SocketTimeoutError } from '../../src/socket/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { tcpPair } from '../socket/support.js';

const CLIENT = { source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 80] } as const;

test('readProxyHeader() takes only the header: a command pipelined behind it stays to be read', async () => {
  for (const header of [encodeProxyHeaderV1(CLIENT), encodeProxyHeaderV2(CLIENT)]) {
    const [client, server] = await tcpPair();
    await client.sendall(Buffer.concat([Buffer.from(header), Buffer.from('QUIT\r\n')]));
    const read = await readProxyHeader(server, { clock: systemClock, timeout: 5 }).done;
    assert.deepEqual(read, { version: typeof header === 'string' ? 1 : 2, ...CLIENT });
    server.settimeout(5);
    assert.equal((await server.recv(100)).toString(), 'QUIT\r\n');
    client.close();
    server.close();
  }
});

test('readProxyHeader() waits for a header sent a byte at a time', async () => {
  const [client, server] = await tcpPair();
  const phase = readProxyHeader(server, { clock: systemClock, timeout: 5 });
  for (const byte of Buffer.from(encodeProxyHeaderV1(CLIENT)))
    await client.sendall(Buffer.from([byte]));
  assert.deepEqual(await phase.done, { version: 1, ...CLIENT });
  client.close();
  server.close();
});

test('readProxyHeader() rejects a stream that ends mid-header, and bytes that are no header', async () => {
  const [client, server] = await tcpPair();
  const phase = readProxyHeader(server, { clock: systemClock, timeout: 5 });
  await client.sendall('PROXY TCP4 203.0.113.7');
  client.close();
  await assert.rejects(
    phase.done,
    (err) => err instanceof ProxyHeaderError && /closed/.test(err.message),
  );
  const [client2, server2] = await tcpPair();
  await client2.sendall('SSH-2.0-OpenSSH_9.2\r\n');
  await assert.rejects(
    readProxyHeader(server2, { clock: systemClock, timeout: 5 }).done,
    (err) => err instanceof ProxyHeaderError && /not a PROXY/.test(err.message),
  );
  client2.close();
});

test('readProxyHeader() rejects with SocketTimeoutError at the deadline and closes the socket', async () => {
  const [client, server] = await tcpPair();
  const clock = new ManualClock();
  const phase = readProxyHeader(server, { clock, timeout: 10 });
  await client.sendall('PROXY ');
  clock.advance(10_000);
  await assert.rejects(phase.done, SocketTimeoutError);
  client.settimeout(5);
  // Closed with the peeked bytes unread, so the kernel may reset rather than end the stream.
  const end = await client.recv(10).catch((err: unknown) => err);
  assert.ok(
    (end instanceof Buffer && end.length === 0) || end instanceof ConnectionResetError,
    'the server end was closed',
  );
  client.close();
});

test('readProxyHeader().abort() frees a phase in flight', async () => {
  const [client, server] = await tcpPair();
  const phase = readProxyHeader(server, { clock: systemClock, timeout: 0 });
  phase.abort();
  await assert.rejects(phase.done, ProxyHeaderError);
  client.close();
});
