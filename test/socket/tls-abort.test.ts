/** wrapSocket({ signal }): a handshake the peer never finishes can be given up, freeing it. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { before, test } from 'node:test';
import {
  type CertificatePair,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLError,
  selfSignedCertificate,
} from '../../src/socket/index.js';
import { tcpPair } from './support.js';

let pair: CertificatePair;
before(async () => {
  pair = await selfSignedCertificate();
});

function serverContext(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChainPem(pair.cert, pair.key);
  return ctx;
}

test('aborting a server handshake the client never starts rejects with the reason and closes the connection', async () => {
  const before = readdirSync('/proc/self/fd').length;
  const [client, server] = await tcpPair();
  const controller = new AbortController();
  const handshake = serverContext().wrapSocket(server, {
    serverSide: true,
    signal: controller.signal,
  });
  const reason = new Error('deadline');
  controller.abort(reason);
  await assert.rejects(handshake, (err) => err === reason);
  // The server's end is gone: the silent client sees end of stream (or a reset).
  client.settimeout(5);
  const seen = await client.recv(10).then(
    (data) => data.length,
    (err: { code?: string }) => err.code,
  );
  assert.ok(seen === 0 || seen === 'ECONNRESET', `client saw ${seen}`);
  client.close();
  const deadline = Date.now() + 5000;
  while (readdirSync('/proc/self/fd').length > before && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(readdirSync('/proc/self/fd').length <= before, 'both descriptors were freed');
});

test('a signal aborted before wrapSocket() rejects with SSLError ECANCELED when it has no Error reason', async () => {
  const [client, server] = await tcpPair();
  const controller = new AbortController();
  controller.abort('bye');
  await assert.rejects(
    serverContext().wrapSocket(server, { serverSide: true, signal: controller.signal }),
    (err) => err instanceof SSLError && err.code === 'ECANCELED',
  );
  client.close();
});
