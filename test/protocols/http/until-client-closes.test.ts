/**
 * A body that lasts until the client goes (`response.untilClientCloses()`, an event stream):
 * the client's FIN ends it and the connection at once, where a plain response stays half-open
 * for the rest of its answer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CommonHeaders,
  HttpServerChannel,
  routeHandler,
} from '../../../src/protocols/http/index.js';
import { ManualClock, StringTransport } from '../../../src/testing/index.js';

/** An endless body: one chunk, then nothing until `return()` (the producer's close). */
function endless(): { source: AsyncIterableIterator<string>; returned: () => boolean } {
  let returned = false;
  const source: AsyncIterableIterator<string> = {
    next: () =>
      returned
        ? Promise.resolve({ done: true, value: undefined })
        : Promise.resolve({ done: false, value: 'tick\n' }),
    return: () => {
      returned = true;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]: () => source,
  };
  return { source, returned: () => returned };
}

function stream(untilClientCloses: boolean) {
  const clock = new ManualClock();
  const body = endless();
  const transport = new StringTransport({ peerAddress: ['127.0.0.1', 40000] });
  const handler = routeHandler('GET', '/events', (_request, response) => {
    void (untilClientCloses ? response.untilClientCloses() : response).stream(body.source);
  });
  new HttpServerChannel(
    transport,
    { clock },
    {
      handlers: [handler],
      common: new CommonHeaders(clock, 'polyport'),
      parser: {},
      secure: false,
      bodyTimeout: 0,
      lingerTime: 1000,
    },
  );
  transport.feed('GET /events HTTP/1.1\r\nHost: a\r\n\r\n');
  return { transport, body };
}

test("untilClientCloses(): the client's FIN closes the connection and closes the body's source", () => {
  const { transport, body } = stream(true);
  assert.match(transport.text('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
  assert.equal(transport.outputPending, true, 'the body is still being produced');
  transport.feedEof();
  assert.equal(transport.closed, true);
  assert.equal(body.returned(), true);
});

test("without it the client's FIN is a half-close: the body goes on", () => {
  const { transport, body } = stream(false);
  transport.feedEof();
  assert.equal(transport.closed, false, 'half-open while the answer goes out');
  assert.equal(body.returned(), false);
  transport.close();
});

test('untilClientCloses() after the head is sent throws', () => {
  const clock = new ManualClock();
  const transport = new StringTransport({ peerAddress: ['127.0.0.1', 40000] });
  let thrown: unknown = null;
  const handler = routeHandler('GET', '/', (_request, response) => {
    response.write('started');
    try {
      response.untilClientCloses();
    } catch (err) {
      thrown = err;
    }
    response.end();
  });
  new HttpServerChannel(
    transport,
    { clock },
    {
      handlers: [handler],
      common: new CommonHeaders(clock, ''),
      parser: {},
      secure: false,
      bodyTimeout: 0,
      lingerTime: 0,
    },
  );
  transport.feed('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.ok(thrown instanceof Error);
});
