/**
 * A DNS-over-TCP client that resets ends its session at once: its pending answers are dropped,
 * and its connection slot is free again without waiting for a slow forwarded answer. Before, a
 * reset was taken for a half-close, and the channel waited (up to the forwarder's timeout) to
 * send answers nobody could read, holding the slot.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createQuery,
  DNS_LIMITS,
  encodeMessage,
  frame,
  Rcode,
  RRType,
} from '../../../src/protocols/dns/index.js';
import { AF_INET, SOCK_DGRAM, socket } from '../../../src/socket/index.js';
import { cuttingPeer } from '../../support/reset-peer.js';
import { startLive, tcpAsk } from './live-server.js';

const ask = (name: string, type: number, id = 4242): Buffer =>
  encodeMessage(createQuery(name, type, { id }));

test('a TCP client that resets while its forwarded query is pending frees its connection slot at once', async () => {
  // An upstream that reads queries and never answers: the forwarded answer would come only
  // after the forwarder's timeout (60 s here, far beyond the test's bounds).
  const upstream = socket(AF_INET, SOCK_DGRAM);
  await upstream.bind(['127.0.0.1', 0]);
  upstream.settimeout(10);
  const live = await startLive({
    forwarders: [upstream.getsockname() as [string, number]],
    forwarding: { timeout: 60, rounds: 1 },
    limits: { ...DNS_LIMITS, maxConnections: 1, maxConnectionsPerAddress: 1 },
  });
  try {
    const peer = await cuttingPeer(live.port);
    await peer.send(frame(ask('www.elsewhere.test', RRType.A, 1)));
    // The query reached the upstream: an answer is pending on the channel.
    await upstream.recvfrom(65535);
    await peer.cut(undefined, 'reset');
    // With the slot free, a new client is served (the limit admits one connection at a time).
    let answered = null;
    for (let attempt = 0; attempt < 50 && answered === null; attempt++) {
      answered = await tcpAsk(live.port, ask('www.example.test', RRType.A, 2)).catch(() => null);
      if (answered === null) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(answered !== null, 'no client was served after the reset');
    assert.equal(answered.rcode, Rcode.NOERROR);
    assert.equal(answered.answers.length, 1);
    assert.deepEqual(live.errors, []);
  } finally {
    await live.stop();
    upstream.close();
  }
});
