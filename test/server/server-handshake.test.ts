/** serverHandshake(): a server TLS handshake with a deadline, over real loopback sockets. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { systemClock } from '../../src/server/clock.js';
import { serverHandshake } from '../../src/server/server-handshake.js';
import {
  type CertificatePair,
  PROTOCOL_TLS_SERVER,
  SocketTimeoutError,
  SSLContext,
  SSLError,
  selfSignedCertificate,
} from '../../src/socket/index.js';
import { tcpPair } from '../socket/support.js';

let context: SSLContext;
before(async () => {
  const pair: CertificatePair = await selfSignedCertificate();
  context = new SSLContext(PROTOCOL_TLS_SERVER);
  context.loadCertChainPem(pair.cert, pair.key);
});

test('serverHandshake() rejects with SocketTimeoutError when the client stays silent past the deadline', async () => {
  const [client, server] = await tcpPair();
  const handshake = serverHandshake(server, { context, clock: systemClock, timeout: 0.2 });
  await assert.rejects(handshake.done, SocketTimeoutError);
  client.settimeout(5);
  assert.equal((await client.recv(10)).length, 0, 'the server end was closed');
  client.close();
});

test('serverHandshake() resolves with the TLS socket when the client completes in time', async () => {
  const [client, server] = await tcpPair();
  const handshake = serverHandshake(server, { context, clock: systemClock, timeout: 5 });
  const { stream } = client.detachStream();
  const tls = tlsConnect({ socket: stream, rejectUnauthorized: false });
  const secure = await handshake.done;
  assert.match(String((secure as { version(): string | null }).version()), /^TLSv1\.[23]$/);
  tls.destroy();
  secure.close();
});

test('serverHandshake().abort() frees a handshake in flight; after it settled, abort() does nothing', async () => {
  const [client, server] = await tcpPair();
  const handshake = serverHandshake(server, { context, clock: systemClock, timeout: 0 });
  handshake.abort();
  await assert.rejects(
    handshake.done,
    (err) => err instanceof SSLError && err.code === 'ECANCELED',
  );
  handshake.abort();
  client.close();
});
