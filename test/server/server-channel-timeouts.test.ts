/**
 * ServerChannel's write-stall timeout and body-gap timeout, driven by a manual clock over an
 * in-memory transport: what counts as progress, and what is not the client's fault.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop, type SocketMap } from '../../src/dispatch/index.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../src/server/limits.js';
import { ServerChannel } from '../../src/server/server-channel.js';
import { ManualClock, StringTransport } from '../../src/testing/index.js';

const LIMITS: ServerLimits = { ...DEFAULT_LIMITS, readTimeout: 1, writeTimeout: 2 };

class BodyChannel extends ServerChannel {
  readTimeouts = 0;
  writeTimeouts = 0;
  reading = true;
  override collectIncomingData(): void {
    this.requestProgress();
  }
  override readable(): boolean {
    return this.reading;
  }
  override onReadTimeout(): void {
    this.readTimeouts++;
  }
  override onWriteTimeout(): void {
    this.writeTimeouts++;
    super.onWriteTimeout();
  }
}

function setup(sendBufferSize = Number.POSITIVE_INFINITY) {
  const clock = new ManualClock();
  const transport = new StringTransport({ sendBufferSize, peerAddress: ['127.0.0.1', 40000] });
  const map: SocketMap = new Map();
  const channel = new BodyChannel(transport, { map, clock, limits: LIMITS });
  return { clock, transport, map, channel };
}

test('output the peer never reads is dropped and the connection closed after writeTimeout', () => {
  const { clock, transport, channel } = setup(1024);
  channel.push(Buffer.alloc(10_000, 1));
  assert.ok(channel.outputPending);
  clock.advance(1999);
  assert.equal(channel.writeTimeouts, 0);
  clock.advance(1);
  assert.equal(channel.writeTimeouts, 1);
  assert.equal(transport.closed, true);
  assert.equal(channel.outputPending, false, 'the unsent output was dropped');
});

test('a peer that reads slowly but steadily is not cut off by writeTimeout', async () => {
  const { clock, transport, map, channel } = setup(1024);
  channel.push(Buffer.alloc(10_000, 1));
  for (let i = 0; i < 5; i++) {
    clock.advance(1500);
    transport.drain();
    await loop({ map, count: 1, timeout: 0 });
  }
  assert.equal(channel.writeTimeouts, 0);
  assert.equal(transport.closed, false);
  channel.close();
});

test('output that all fits arms no write timer', () => {
  const { clock, transport, channel } = setup();
  channel.push('hello\r\n');
  clock.advance(10_000);
  assert.equal(channel.writeTimeouts, 0);
  assert.equal(transport.closed, false);
  channel.close();
});

test('a body may take longer than readTimeout in total, but no gap in it may', async () => {
  const { clock, transport, map, channel } = setup();
  for (let i = 0; i < 5; i++) {
    transport.feed('piece');
    await loop({ map, count: 1, timeout: 0 });
    clock.advance(900);
  }
  assert.equal(channel.readTimeouts, 0, '4.5 s of body in pieces 0.9 s apart is fine');
  clock.advance(100);
  assert.equal(channel.readTimeouts, 1, 'a 1 s gap is not');
  channel.close();
});

test('a body gap while the server is not reading does not count against the client', async () => {
  const { clock, transport, map, channel } = setup();
  transport.feed('piece');
  await loop({ map, count: 1, timeout: 0 });
  channel.reading = false;
  clock.advance(5000);
  assert.equal(channel.readTimeouts, 0);
  channel.reading = true;
  clock.advance(1000);
  assert.equal(channel.readTimeouts, 1, 'reading again, the client owes the next piece');
  channel.close();
});
