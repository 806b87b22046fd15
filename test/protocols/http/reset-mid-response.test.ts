/**
 * A client that resets while its request is being answered ends its connection at once. Before,
 * a reset was taken for a half-close after a complete request: the connection (and its slot
 * under maxConnections) waited for the handler to finish an answer nobody could read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpHandler } from '../../../src/protocols/http/index.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import { cuttingPeer } from '../../support/reset-peer.js';
import { exchange, startTestServer } from './support/server.js';

test('a client that resets while its answer is being made frees its connection slot at once', async () => {
  let entered: () => void = () => {};
  const inHandler = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const slow: HttpHandler = {
    match: (request) => request.path === '/slow',
    async handle(_request, response) {
      entered();
      await gate;
      response.send('late\n');
    },
  };
  const quick: HttpHandler = {
    match: (request) => request.path === '/quick',
    handle: (_request, response) => response.send('quick\n'),
  };
  const server = await startTestServer([slow, quick], {
    limits: { ...DEFAULT_LIMITS, maxConnections: 1, maxConnectionsPerAddress: 1 },
  });
  try {
    const peer = await cuttingPeer(server.port);
    await peer.send('GET /slow HTTP/1.1\r\nHost: t\r\n\r\n');
    await inHandler;
    await peer.cut(undefined, 'reset');
    // The limit admits one connection: a second client is served only once the first is gone.
    let text = '';
    for (let attempt = 0; attempt < 50 && !text.startsWith('HTTP/1.1 200'); attempt++) {
      text = await exchange(
        server.port,
        'GET /quick HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
      ).catch(() => '');
      if (!text.startsWith('HTTP/1.1 200')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(text, /^HTTP\/1\.1 200 [\s\S]*\r\n\r\nquick\n$/);
  } finally {
    release();
    await server.stop();
  }
});
