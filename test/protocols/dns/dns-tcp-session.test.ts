/**
 * DNS over TCP without sockets: the session's framing under every chunking, and the handler
 * on the kit over a StringTransport — answers in order, one message at a time within the output
 * bound, a FIN that still gets its answers, a reset that drops a pending one, an over-long
 * message that ends the connection.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DnsTcpSession,
  type DnsTcpSessionEvent,
} from '../../../src/protocols/dns/codec/dns-tcp-session.js';
import {
  type DnsTcpEvent,
  DnsTcpFramer,
  frame,
} from '../../../src/protocols/dns/codec/tcp-framer.js';
import { DnsTcpHandler } from '../../../src/protocols/dns/server/dns-tcp-handler.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../../src/server/limits.js';
import { chunkings, StringTransport } from '../../../src/testing/index.js';

/** A query-like message of `length` bytes, each byte `tag` (the handler never decodes it). */
const message = (tag: number, length = 12): Buffer => Buffer.alloc(length, tag);

function eventsOf(session: DnsTcpSession): DnsTcpSessionEvent[] {
  const out: DnsTcpSessionEvent[] = [];
  for (let ev: DnsTcpSessionEvent | null; (ev = session.nextEvent()) !== null; ) out.push(ev);
  return out;
}

/** Feeds the pieces one by one, taking the events after each, as the kit does. */
function feedAll(session: DnsTcpSession, chunks: readonly Uint8Array[]): DnsTcpSessionEvent[] {
  const events: DnsTcpSessionEvent[] = [];
  for (const chunk of chunks) {
    session.receiveData(chunk);
    events.push(...eventsOf(session));
  }
  return events;
}

/** The messages framed in `bytes`, in order. */
function unframe(bytes: Buffer): Buffer[] {
  const framer = new DnsTcpFramer();
  framer.receiveData(bytes);
  const out: Buffer[] = [];
  for (let ev: DnsTcpEvent | null; (ev = framer.nextEvent()) !== null; ) {
    assert.equal(ev.type, 'message');
    if (ev.type === 'message') out.push(Buffer.from(ev.message));
  }
  assert.equal(framer.bufferedLength, 0, 'the answers are whole');
  return out;
}

test('DnsTcpSession gives one event per message however the stream is cut', () => {
  const input = Buffer.concat([frame(message(1)), frame(message(2, 30)), frame(message(3))]);
  for (const { label, chunks } of chunkings(input)) {
    const session = new DnsTcpSession();
    const events = feedAll(session, chunks);
    assert.deepEqual(
      events,
      [message(1), message(2, 30), message(3)].map((m) => ({ type: 'message', message: m })),
      label,
    );
    assert.equal(session.partialCommand, false, label);
  }
});

test('DnsTcpSession: only half a message counts as partial, not whole ones waiting', () => {
  const session = new DnsTcpSession();
  const whole = frame(message(1));
  session.receiveData(whole.subarray(0, 5));
  assert.equal(session.partialCommand, true, 'half a message: the read timeout runs');
  session.receiveData(Buffer.concat([whole.subarray(5), Buffer.from([0])]));
  assert.equal(session.partialCommand, false, 'a whole message held back is not slow input');
  assert.equal(eventsOf(session).length, 1);
  assert.equal(session.partialCommand, true, 'one byte of a length prefix');
  session.receiveEnd();
  assert.equal(session.partialCommand, false, 'after the FIN nothing more can come');
  assert.deepEqual(eventsOf(session), [{ type: 'end' }], 'the end, once, half a query dropped');
  assert.deepEqual(eventsOf(session), []);
});

test('DnsTcpSession reports a message over the limit once and nothing after it, however cut', () => {
  const input = Buffer.concat([frame(message(1)), frame(message(2, 40)), frame(message(3))]);
  for (const { label, chunks } of chunkings(input)) {
    const session = new DnsTcpSession({ maxMessageSize: 20 });
    const events = feedAll(session, chunks);
    assert.deepEqual(
      events,
      [
        { type: 'message', message: message(1) },
        { type: 'too-large', length: 40 },
      ],
      label,
    );
    assert.equal(session.partialCommand, false, label);
  }
});

test('DnsTcpSession frames its answers in the order written', () => {
  const session = new DnsTcpSession();
  assert.equal(session.takeOutput().length, 0);
  session.answer(message(7));
  session.answer(message(8, 3));
  assert.deepEqual(unframe(session.takeOutput()), [message(7), message(8, 3)]);
  assert.equal(session.takeOutput().length, 0, 'taken once');
  assert.throws(() => session.answer(Buffer.alloc(0x10000)), RangeError);
});

/** Answers every query with the query's bytes reversed, at once. */
const mirror = {
  handle: (bytes: Uint8Array): Buffer => Buffer.from(bytes).reverse(),
};

/** A query handler whose answers the test releases by hand, as a forwarder's would come. */
function manualQueries() {
  const pending: Array<{ query: Buffer; settle(answer: Buffer | null): void }> = [];
  return {
    pending,
    handle(bytes: Uint8Array): Promise<Buffer | null> {
      return new Promise((resolve) => pending.push({ query: Buffer.from(bytes), settle: resolve }));
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('DnsTcpHandler answers pipelined queries in order under every chunking', () => {
  const queries = [message(1), message(2, 20), message(3)];
  const input = Buffer.concat(queries.map(frame));
  for (const { label, chunks } of chunkings(input)) {
    const transport = new StringTransport();
    new DnsTcpHandler(transport, {}, mirror);
    assert.equal(transport.calls[0], 'requestStarted', 'the first query is held to readTimeout');
    for (const chunk of chunks) transport.feed(chunk);
    assert.deepEqual(
      unframe(transport.value()),
      queries.map((q) => Buffer.from(q).reverse()),
      label,
    );
    assert.equal(transport.closed, false, label);
  }
});

test('DnsTcpHandler takes one message at a time within the output bound', () => {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, maxPendingOutput: 100 };
  const transport = new StringTransport({ sendBufferSize: 1 });
  new DnsTcpHandler(transport, { limits }, mirror);
  const queries = Array.from({ length: 50 }, (_, i) => message(i, 40));
  transport.feed(Buffer.concat(queries.map(frame)));
  // Each answer is 42 bytes framed: once the queue is over the 100-byte bound no more is taken.
  assert.ok(transport.queuedBytes > 100, `queued ${transport.queuedBytes}`);
  assert.ok(transport.queuedBytes <= 100 + 42, `queued ${transport.queuedBytes}`);
  assert.equal(transport.readingPaused, true, 'nothing more is read meanwhile');
  // The client reads a byte at a time: the queue never grows past the bound plus one answer.
  const received: Buffer[] = [];
  for (let round = 0; round < 5000 && transport.outputPending; round++) {
    transport.drain();
    received.push(transport.value());
    transport.clear();
    assert.ok(transport.queuedBytes <= 100 + 42, `queued ${transport.queuedBytes}`);
  }
  transport.drain();
  received.push(transport.value());
  assert.deepEqual(
    unframe(Buffer.concat(received)),
    queries.map((q) => Buffer.from(q).reverse()),
  );
});

test('DnsTcpHandler forwards pipelined queries side by side and answers them in order', async () => {
  const queries = manualQueries();
  const transport = new StringTransport();
  new DnsTcpHandler(transport, {}, queries);
  transport.feed(Buffer.concat([frame(message(1)), frame(message(2)), frame(message(3))]));
  assert.equal(queries.pending.length, 3, 'all three are being resolved');
  queries.pending[2]!.settle(message(7));
  queries.pending[1]!.settle(null); // silence: no answer, the stream goes on
  await tick();
  assert.equal(transport.value().length, 0, 'nothing overtakes the first answer');
  queries.pending[0]!.settle(message(5));
  await tick();
  assert.deepEqual(unframe(transport.value()), [message(5), message(7)]);
  assert.equal(transport.closed, false);
});

test('DnsTcpHandler takes no more queries while maxPipelined are unanswered', async () => {
  const queries = manualQueries();
  const transport = new StringTransport();
  new DnsTcpHandler(transport, {}, queries, { maxPipelined: 2 });
  transport.feed(Buffer.concat([1, 2, 3, 4].map((i) => frame(message(i)))));
  assert.equal(queries.pending.length, 2);
  assert.equal(transport.readingPaused, true, 'nothing more is read meanwhile');
  queries.pending[0]!.settle(message(5));
  await tick();
  assert.equal(queries.pending.length, 3, 'one answered, one more taken');
  for (const pending of queries.pending.slice(1)) pending.settle(message(6));
  await tick();
  queries.pending[3]!.settle(message(6));
  await tick();
  assert.deepEqual(
    unframe(transport.value()),
    [5, 6, 6, 6].map((i) => message(i)),
  );
  assert.equal(transport.readingPaused, false);
});

test('DnsTcpHandler: a client that half-closes still gets its answers, then the close', async () => {
  const queries = manualQueries();
  const transport = new StringTransport();
  new DnsTcpHandler(transport, {}, queries);
  transport.feed(Buffer.concat([frame(message(1)), frame(message(2))]));
  transport.feedEof();
  queries.pending[0]!.settle(message(5));
  await tick();
  queries.pending[1]!.settle(message(6));
  await tick();
  assert.deepEqual(unframe(transport.value()), [message(5), message(6)]);
  assert.ok(transport.calls.includes('closeWhenDone'));
  assert.equal(transport.closed, true);
});

test('DnsTcpHandler: a client that resets gets nothing more, and a late answer is dropped', async () => {
  const queries = manualQueries();
  const transport = new StringTransport();
  new DnsTcpHandler(transport, {}, queries);
  transport.feed(frame(message(1)));
  transport.resetByPeer();
  assert.equal(transport.closed, true, 'closed at once, not when the answer comes');
  queries.pending[0]!.settle(message(5));
  await tick();
  assert.equal(transport.value().length, 0);
});

test('DnsTcpHandler: a message over the size limit ends the connection after the answers before it', () => {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, maxRequestSize: 20 };
  const transport = new StringTransport();
  new DnsTcpHandler(transport, { limits }, mirror);
  transport.feed(Buffer.concat([frame(message(1)), frame(message(2, 40)), frame(message(3))]));
  assert.deepEqual(unframe(transport.value()), [message(1)]);
  assert.ok(transport.calls.includes('closeWhenDone'));
  assert.equal(transport.closed, true);
});

test('DnsTcpHandler: a timeout is the kit default, a close', () => {
  const transport = new StringTransport();
  new DnsTcpHandler(transport, {}, mirror);
  transport.feed(frame(message(1)).subarray(0, 4));
  assert.equal(transport.calls.at(-1), 'requestStarted', 'half a query: the read timeout runs');
  assert.equal(transport.timeOut('read'), false);
  assert.equal(transport.closed, true);
});
