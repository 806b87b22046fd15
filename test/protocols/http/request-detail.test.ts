/**
 * What the capture gets of each HTTP exchange beyond its log record: the target as sent, the
 * header fields, the body's size and its first bytes (text, or base64 when they are not),
 * with curl as the client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import { EventHub, ServiceStats, serviceObserver } from '../../../src/host/index.js';
import { routeHandler, startHttpService } from '../../../src/protocols/http/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger } from '../../support/host.js';
import { needs } from '../../support/interop.js';

test(
  'a request read by its handler keeps its target, header fields and first body bytes in the capture',
  needs('curl'),
  async () => {
    const map: SocketMap = new Map();
    const capture = new EventHub(10, () => Date.now());
    const stats = new ServiceStats('http', 'http');
    const service = await startHttpService({
      address: ['127.0.0.1', 0],
      handlers: [
        routeHandler('POST', '/hook', async (request, response) => {
          const body = await request.body.buffer();
          response.send(`${body.length}\n`);
        }),
      ],
      observer: serviceObserver(stats, memoryLogger().logger, { capture }),
      bodySampleBytes: 40,
      map,
    });
    const running = loop({ map, timeout: 1 });
    try {
      const url = `http://127.0.0.1:${service.listener.boundAddress[1]}/hook?x=1`;
      const text = `${'a'.repeat(30)}=${'é'.repeat(20)}`;
      const sent = await runClient('curl', [
        ...['-s', '-H', 'X-Test: captured', '--data-binary', text, url],
      ]);
      assert.equal(sent.stdout, `${Buffer.byteLength(text)}\n`, sent.output);
      const request = await capture.waitFor((e) => e.kind === 'request');
      assert.equal(request.target, '/hook?x=1');
      const headers = JSON.parse(JSON.stringify(request.headers)) as [string, string][];
      assert.deepEqual(
        headers.find(([name]) => name === 'X-Test'),
        ['X-Test', 'captured'],
      );
      assert.equal(request.bodyBytes, Buffer.byteLength(text));
      // 40 bytes: the 31 ASCII ones and 4.5 'é': the cut splits a character, so it is base64.
      const first = Buffer.from(text).subarray(0, 40);
      assert.equal(request.body, first.toString('base64'));
      assert.equal(request.bodyEncoding, 'base64');
      assert.equal(request.bodyTruncated, true);
      assert.deepEqual(
        capture.list({ q: 'x-test' }).map((e) => e.id),
        [request.id],
        'q= finds text in the header fields',
      );

      const short = await runClient('curl', ['-s', '--data-binary', 'small=1', url]);
      assert.equal(short.stdout, '7\n', short.output);
      const second = await capture.waitFor((e) => e.kind === 'request', { sinceId: request.id });
      assert.equal(second.body, 'small=1');
      assert.equal(second.bodyEncoding, undefined);
      assert.equal(second.bodyTruncated, undefined);
    } finally {
      service.close();
      closeAll(map, true);
      await running;
    }
  },
);
