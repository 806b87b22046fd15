/**
 * The small services' TCP connections on the kit, without sockets: echo's session under every
 * chunking, echo reading no faster than its client, discard, the answering services and
 * chargen's stream stopping when the client stops reading.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargenLine } from '../../../src/protocols/small/codec/chargen-generator.js';
import { DiscardSession } from '../../../src/protocols/small/codec/discard-session.js';
import { EchoSession } from '../../../src/protocols/small/codec/echo-session.js';
import { SmallTcpHandler } from '../../../src/protocols/small/server/small-tcp-handler.js';
import { chunkings, StringTransport } from '../../../src/testing/index.js';

/** Plays a client that reads everything until the server closes; returns what it read. */
function readUntilClosed(transport: StringTransport): Buffer {
  const received: Buffer[] = [];
  for (let round = 0; round < 100 && !transport.closed; round++) {
    transport.drain();
    received.push(transport.value());
    transport.clear();
  }
  return Buffer.concat(received);
}

test('EchoSession writes back every byte, however the input is cut', () => {
  const input = Buffer.from('hello\r\necho\x00\xff');
  for (const { label, chunks } of chunkings(input)) {
    const session = new EchoSession();
    const out: Buffer[] = [];
    for (const chunk of chunks) {
      session.receiveData(chunk);
      assert.equal(session.nextEvent(), null, label);
      out.push(session.takeOutput());
    }
    assert.deepEqual(Buffer.concat(out), input, label);
    assert.equal(session.takeOutput().length, 0, label);
    assert.equal(session.partialCommand, false, label);
  }
});

test('DiscardSession drops everything and writes nothing', () => {
  const session = new DiscardSession();
  session.receiveData(Buffer.from('anything at all'));
  assert.equal(session.nextEvent(), null);
  assert.equal(session.takeOutput().length, 0);
});

test('echo reads no more while its echo is queued, and echoes all of it before a FIN closes', () => {
  const transport = new StringTransport({ sendBufferSize: 4 });
  new SmallTcpHandler(transport, {}, { kind: 'echo' });
  transport.feed('first line\r\n');
  assert.equal(transport.readingPaused, true, 'the client must read before it is read again');
  transport.feed('second\r\n');
  transport.feedEof();
  assert.equal(readUntilClosed(transport).toString(), 'first line\r\nsecond\r\n');
  assert.equal(transport.closed, true, 'closed once the echo is out');
});

test('discard keeps reading and sends nothing', () => {
  const transport = new StringTransport();
  new SmallTcpHandler(transport, {}, { kind: 'discard' });
  for (let i = 0; i < 10; i++) transport.feed(Buffer.alloc(1000, 'd'));
  assert.equal(transport.value().length, 0);
  assert.equal(transport.readingPaused, false);
  transport.feedEof();
  assert.equal(transport.closed, true);
});

test('an answering service writes its answer on connect and closes once it is out', () => {
  const transport = new StringTransport({ sendBufferSize: 3 });
  new SmallTcpHandler(transport, {}, { kind: 'answer', answer: Buffer.from('the time\r\n') });
  transport.feed('ignored');
  assert.equal(readUntilClosed(transport).toString(), 'the time\r\n');
  assert.equal(transport.closed, true);
  assert.ok(transport.calls.includes('closeWhenDone'));
});

test('chargen streams only as fast as the client reads', async () => {
  const transport = new StringTransport({ sendBufferSize: 1000 });
  new SmallTcpHandler(transport, {}, { kind: 'chargen' });
  assert.equal(transport.producers.length, 1, 'the stream is a producer');
  await transport.runProducers();
  const first = transport.value().length;
  assert.equal(first, 1000, 'the send buffer is full');
  await transport.runProducers();
  assert.equal(transport.value().length, first, 'no more while the client does not read');
  // The client reads: the stream goes on, a send buffer at a time, past the first chunk.
  let total = 0;
  for (let round = 0; round < 20; round++) {
    total += transport.value().length;
    transport.clear();
    transport.drain();
    await transport.runProducers();
  }
  total += transport.value().length;
  assert.equal(total, 21 * 1000, 'a send buffer each time the client reads');
  transport.close();
  assert.equal(transport.closed, true);
});

test('chargen sends the RFC 864 pattern from its first line', async () => {
  const transport = new StringTransport({ sendBufferSize: 74 * 2 });
  new SmallTcpHandler(transport, {}, { kind: 'chargen' });
  await transport.runProducers();
  assert.equal(transport.text('latin1'), `${chargenLine(0)}\r\n${chargenLine(1)}\r\n`);
  assert.ok(transport.calls.includes('touch'), 'a reading client counts as active');
});
