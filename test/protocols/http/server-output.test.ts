import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop, type SocketMap } from '../../../src/dispatch/index.js';
import {
  CommonHeaders,
  type HttpChannelConfig,
  HttpServerChannel,
  routeHandler,
} from '../../../src/protocols/http/index.js';
import { ChannelTransport } from '../../../src/server/channel-transport.js';
import { ManualClock, StringTransport } from '../../../src/testing/index.js';
import { bodies } from './support/bodies.js';

const BIG = 'x'.repeat(5000);

function config(clock: ManualClock): HttpChannelConfig {
  return {
    handlers: [
      routeHandler('GET', '/big', (request, response) => response.send(`${request.query}${BIG}`)),
      routeHandler('GET', '/small', (request, response) => response.send(`${request.query}\n`)),
    ],
    common: new CommonHeaders(clock, 'polyport'),
    parser: {},
    secure: false,
    bodyTimeout: 0,
    lingerTime: 1000,
  };
}

/** A channel over a transport whose send buffer holds `sendBufferSize` bytes. */
function channelWith(sendBufferSize: number): {
  transport: StringTransport;
  map: SocketMap;
} {
  const clock = new ManualClock();
  const transport = new StringTransport({ sendBufferSize, peerAddress: ['127.0.0.1', 40000] });
  const map: SocketMap = new Map();
  new HttpServerChannel(new ChannelTransport(transport, { map, clock }), { clock }, config(clock));
  return { transport, map };
}

test('a response the socket takes at once is sent whole, with nothing left queued', async () => {
  const { transport, map } = channelWith(Number.POSITIVE_INFINITY);
  transport.feed('GET /small?one HTTP/1.1\r\nHost: a\r\n\r\n');
  await loop({ map, count: 1 });
  assert.deepEqual(bodies(transport.text('latin1')), ['one\n']);
  assert.match(
    transport.text('latin1'),
    /^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 4\r\n\r\none\n$/,
  );
});

test('what a full socket does not take is queued and follows in order, before the next response', async () => {
  const { transport, map } = channelWith(1000);
  // Two pipelined requests: the first response is larger than the send buffer.
  transport.feed(
    'GET /big?first HTTP/1.1\r\nHost: a\r\n\r\nGET /small?second HTTP/1.1\r\nHost: a\r\n\r\n',
  );
  await loop({ map, count: 1 });
  assert.equal(transport.value().length, 1000);
  for (let i = 0; i < 20 && map.size > 0; i++) {
    transport.drain();
    await loop({ map, count: 1 });
    if (transport.text('latin1').includes('second\n')) break;
  }
  assert.deepEqual(bodies(transport.text('latin1')), [`first${BIG}`, 'second\n']);
});

test('a response sent while earlier output is still queued waits behind it', async () => {
  const { transport, map } = channelWith(100);
  transport.feed('GET /big?a HTTP/1.1\r\nHost: a\r\n\r\n');
  await loop({ map, count: 1 });
  transport.feed('GET /small?b HTTP/1.1\r\nHost: a\r\n\r\n');
  for (let i = 0; i < 200 && !transport.text('latin1').includes('b\n'); i++) {
    transport.drain();
    await loop({ map, count: 1 });
  }
  assert.deepEqual(bodies(transport.text('latin1')), [`a${BIG}`, 'b\n']);
});
