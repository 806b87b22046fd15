/**
 * HttpServerChannel driven over the kit's Transport without a socket or a loop: a
 * StringTransport records what the connection asked of it (pauses, shutdown, close) and a
 * ManualClock plays the timers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CommonHeaders,
  type HttpChannelConfig,
  HttpServerChannel,
  routeHandler,
} from '../../../src/protocols/http/index.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../../src/server/limits.js';
import { ManualClock, StringTransport } from '../../../src/testing/index.js';
import { bodies } from './support/bodies.js';

const BIG = 'x'.repeat(5000);

/** Resolves the `/slow` handler's pending answer. */
let answerSlow: (() => void) | null = null;

function config(clock: ManualClock): HttpChannelConfig {
  return {
    handlers: [
      routeHandler('GET', '/big', (request, response) => response.send(`${request.query}${BIG}`)),
      routeHandler('GET', '/small', (request, response) => response.send(`${request.query}\n`)),
      routeHandler(
        'GET',
        '/slow',
        (_request, response) =>
          new Promise<void>((resolve) => {
            answerSlow = () => {
              response.send('slow\n');
              resolve();
            };
          }),
      ),
    ],
    common: new CommonHeaders(clock, 'polyport'),
    parser: {},
    secure: false,
    bodyTimeout: 0,
    lingerTime: 1000,
  };
}

/** A connection over a StringTransport whose send buffer holds `sendBufferSize` bytes. */
function connect(
  sendBufferSize = Number.POSITIVE_INFINITY,
  limits: ServerLimits = DEFAULT_LIMITS,
): { transport: StringTransport; clock: ManualClock } {
  const clock = new ManualClock();
  const transport = new StringTransport({ sendBufferSize, peerAddress: ['127.0.0.1', 40000] });
  new HttpServerChannel(transport, { clock, limits }, config(clock));
  return { transport, clock };
}

const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;

test('requests pipelined in one read are answered in order, in one write handed over uncopied', () => {
  const { transport } = connect();
  transport.feed(GET('/small?1') + GET('/small?2') + GET('/small?3'));
  assert.deepEqual(bodies(transport.text('latin1')), ['1\n', '2\n', '3\n']);
  assert.equal(transport.writes.length, 1);
  assert.equal(transport.writes[0]?.owned, true);
  assert.equal(transport.readingPaused, false, 'it reads on for the next request');
  assert.equal(transport.closed, false);
});

test('over the output bound the connection stops reading, and serves the held requests in order as the client reads', () => {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, maxPendingOutput: 6000 };
  const { transport } = connect(100, limits);
  const requests = [GET('/big?a'), GET('/big?b'), GET('/small?c'), GET('/big?d')];
  transport.feed(requests.join(''));
  assert.equal(transport.readingPaused, true, 'the client that does not read is not read');
  assert.ok(transport.queuedBytes <= 6000 + BIG.length + 1024);
  for (let i = 0; i < 1000 && !transport.text('latin1').includes(`d${BIG}`); i++) transport.drain();
  assert.deepEqual(bodies(transport.text('latin1')), [`a${BIG}`, `b${BIG}`, 'c\n', `d${BIG}`]);
  assert.equal(transport.readingPaused, false);
});

test('reading pauses while a handler works on a complete request, and pipelined input waits for its answer', async () => {
  const { transport } = connect();
  transport.feed(GET('/slow'));
  assert.equal(transport.readingPaused, true);
  transport.feed(GET('/small?after'));
  assert.equal(transport.text('latin1'), '', 'nothing is answered before the slow request');
  answerSlow?.();
  await Promise.resolve();
  assert.deepEqual(bodies(transport.text('latin1')), ['slow\n', 'after\n']);
  assert.equal(transport.readingPaused, false);
});

test("a client's FIN read after the answer was sent closes at once; one read while the answer is queued waits for it", async () => {
  const waiting = connect();
  waiting.transport.feed(GET('/slow'));
  // Reading is paused while the handler works: the FIN waits, as in the kernel.
  waiting.transport.feedEof();
  assert.equal(waiting.transport.closed, false);
  answerSlow?.();
  await Promise.resolve();
  assert.deepEqual(bodies(waiting.transport.text('latin1')), ['slow\n']);
  assert.equal(waiting.transport.closed, true);

  const queued = connect(100);
  queued.transport.feed(GET('/big?q'));
  assert.equal(queued.transport.outputPending, true);
  queued.transport.feedEof();
  assert.equal(queued.transport.closed, false, 'half-open while the answer goes out');
  for (let i = 0; i < 1000 && !queued.transport.closed; i++) queued.transport.drain();
  assert.deepEqual(bodies(queued.transport.text('latin1')), [`q${BIG}`]);
  assert.ok(queued.transport.writeShutdown, 'our side was shut after the answer');
  assert.equal(queued.transport.closed, true, 'no lingering: the client has sent its last byte');
});

test('Connection: close answers, shuts our side, reads and drops input, and closes after lingerTime', () => {
  const { transport, clock } = connect();
  transport.feed(GET('/small?last', 'Connection: close\r\n'));
  assert.deepEqual(bodies(transport.text('latin1')), ['last\n']);
  assert.ok(transport.writeShutdown);
  assert.equal(transport.closed, false, 'lingering');
  assert.equal(transport.readingPaused, false, 'input is read while lingering');
  transport.feed(GET('/small?dropped'));
  assert.deepEqual(bodies(transport.text('latin1')), ['last\n'], 'and dropped');
  clock.advance(1000);
  assert.equal(transport.closed, true);
});

test('a read timeout closes a connection that sent nothing without a word, and answers a half-sent head with 408', () => {
  const silent = connect();
  assert.ok(silent.transport.calls.includes('requestStarted'), 'the client speaks first');
  assert.equal(silent.transport.timeOut('read'), true);
  assert.equal(silent.transport.text('latin1'), '');
  assert.equal(silent.transport.closed, true);

  const slow = connect();
  slow.transport.feed('GET /small HTTP/1.1\r\nHo');
  assert.equal(slow.transport.timeOut('read'), true);
  assert.match(slow.transport.text('latin1'), /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.match(slow.transport.text('latin1'), /\r\nConnection: close\r\n/);
  assert.ok(slow.transport.writeShutdown);
});

test('an idle timeout is left to the transport (it closes)', () => {
  const { transport } = connect();
  transport.feed(GET('/small?x'));
  assert.equal(transport.timeOut('idle'), false);
  assert.equal(transport.closed, true);
});
