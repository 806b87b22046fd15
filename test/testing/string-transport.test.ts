import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimpleProducer } from '../../src/dispatch/index.js';
import { type Pop3ServerEvent, Pop3ServerSession } from '../../src/protocols/mail/index.js';
import { Connection, type TimeoutPhase, type TransportHandler } from '../../src/server/index.js';
import { PROTOCOL_TLS_SERVER, READY_WRITE, SSLContext } from '../../src/socket/index.js';
import { StringTransport } from '../../src/testing/index.js';

test('StringTransport keeps everything written, and value() returns it all', () => {
  const transport = new StringTransport();
  assert.equal(transport.value().length, 0);
  transport.sendNowait('220 ready\r\n');
  transport.sendNowait(Buffer.from('250 ok\r\n'));
  assert.equal(transport.value().toString(), '220 ready\r\n250 ok\r\n');
  assert.equal(transport.text(), '220 ready\r\n250 ok\r\n');
});

test('StringTransport.clear() forgets what was written so far', () => {
  const transport = new StringTransport();
  transport.sendNowait('old');
  transport.clear();
  transport.sendNowait('new');
  assert.equal(transport.text(), 'new');
});

test('StringTransport takes any amount by default, and honours a send buffer size when given one', () => {
  const unlimited = new StringTransport();
  assert.equal(unlimited.sendNowait(Buffer.alloc(10 * 1024 * 1024)), 10 * 1024 * 1024);
  assert.ok(unlimited.readiness & READY_WRITE, 'unlimited.readiness & READY_WRITE');
  const limited = new StringTransport({ sendBufferSize: 3 });
  assert.equal(limited.sendNowait('abcdef'), 3);
  assert.equal(limited.sendNowait('d'), -1);
  limited.drain();
  assert.equal(limited.sendNowait('def'), 3);
  assert.equal(limited.text(), 'abcdef');
});

test('StringTransport plays the peer: input fed is received, a reset is reported once', () => {
  const transport = new StringTransport({ peerAddress: ['192.0.2.1', 1234] });
  assert.deepEqual(transport.getpeername(), ['192.0.2.1', 1234]);
  transport.feed('QUIT\r\n');
  assert.equal(transport.recvNowait(100)?.toString(), 'QUIT\r\n');
  transport.resetByPeer();
  assert.throws(() => transport.recvNowait(100), { code: 'ECONNRESET' });
});

/** A TransportHandler that writes down what it hears. */
function recorder(): TransportHandler & {
  heard: string[];
  answerTimeouts: boolean;
  keepHalfOpen: boolean;
} {
  const heard: string[] = [];
  const handler = {
    heard,
    answerTimeouts: false,
    keepHalfOpen: false,
    dataReceived(data: Buffer) {
      heard.push(`data ${data.toString()}`);
    },
    writeProgress() {
      heard.push('writeProgress');
    },
    timedOut(phase: TimeoutPhase) {
      heard.push(`timedOut ${phase}`);
      return handler.answerTimeouts;
    },
    inputEnded() {
      heard.push('inputEnded');
      return handler.keepHalfOpen;
    },
    connectionLost(error: Error | null) {
      heard.push(`lost ${error === null ? 'clean' : (error as { code?: string }).code}`);
    },
  };
  return handler;
}

test('StringTransport as a Transport records writes and whether their buffer was handed over', () => {
  const transport = new StringTransport({ peerAddress: ['::1', 5000] });
  transport.attach(recorder());
  transport.write('220 ready\r\n');
  transport.write(Buffer.from('250 ok\r\n'), { owned: true });
  assert.equal(transport.text(), '220 ready\r\n250 ok\r\n');
  assert.deepEqual(
    transport.writes.map((w) => [w.data.toString(), w.owned]),
    [
      ['220 ready\r\n', false],
      ['250 ok\r\n', true],
    ],
  );
  assert.equal(transport.peer, '[::1]:5000');
  assert.equal(transport.outputPending, false);
});

test('StringTransport holds what is fed while reading is paused and delivers it on resume', () => {
  const handler = recorder();
  const transport = new StringTransport();
  transport.attach(handler);
  transport.feed('one');
  transport.pauseReading();
  transport.pauseReading();
  transport.feed('two');
  transport.feedEof();
  assert.deepEqual(handler.heard, ['data one']);
  assert.equal(transport.readingPaused, true);
  transport.resumeReading();
  assert.deepEqual(handler.heard, ['data one', 'data two', 'inputEnded', 'lost clean']);
  assert.deepEqual(transport.calls, ['pauseReading', 'resumeReading']);
});

test('StringTransport stays half-open after the peer end of stream when the handler keeps it', () => {
  const handler = recorder();
  handler.keepHalfOpen = true;
  const transport = new StringTransport();
  transport.attach(handler);
  transport.feed('last words');
  transport.feedEof();
  transport.feed('ignored: nothing comes after a FIN');
  assert.equal(transport.inputEnded, true);
  assert.equal(transport.closed, false);
  transport.write('reply');
  transport.closeWhenDone();
  assert.equal(transport.text(), 'reply');
  assert.deepEqual(handler.heard, ['data last words', 'inputEnded', 'lost clean']);
});

test('StringTransport queues writes behind a full send buffer until the peer drains it', () => {
  const handler = recorder();
  const transport = new StringTransport({ sendBufferSize: 4 });
  transport.attach(handler);
  transport.write('abcdef');
  transport.write('gh');
  assert.equal(transport.text(), 'abcd');
  assert.equal(transport.queuedBytes, 4);
  assert.equal(transport.outputPending, true);
  transport.drain();
  assert.equal(transport.text(), 'abcdefgh');
  assert.equal(transport.outputPending, false);
  assert.deepEqual(handler.heard, ['writeProgress']);
});

test('StringTransport records producers, counts their size, and runs them in order with the writes', async () => {
  const handler = recorder();
  const transport = new StringTransport();
  transport.attach(handler);
  let closed = 0;
  const producer = new SimpleProducer('body!', 2);
  const recorded = { more: () => producer.more(), close: () => closed++ };
  transport.write('head ');
  transport.writeProducer(recorded, 5);
  transport.write(' tail');
  assert.equal(transport.text(), 'head ');
  assert.equal(transport.queuedBytes, 10);
  assert.equal(transport.producers[0]?.size, 5);
  await transport.runProducers();
  assert.equal(transport.text(), 'head body! tail');
  assert.equal(transport.queuedBytes, 0);
  assert.equal(closed, 1);
  assert.deepEqual(handler.heard, ['writeProgress']);
});

test('StringTransport sends the end of the stream and closes only once the queue is out', async () => {
  const handler = recorder();
  const transport = new StringTransport();
  transport.attach(handler);
  transport.writeProducer(new SimpleProducer('last'), 4);
  transport.shutdownWrite();
  transport.closeWhenDone();
  assert.equal(transport.writeShutdown, false);
  assert.equal(transport.closed, false);
  await transport.runProducers();
  assert.equal(transport.text(), 'last');
  assert.equal(transport.writeShutdown, true);
  assert.equal(transport.closed, true);
  assert.deepEqual(transport.calls, ['shutdownWrite', 'closeWhenDone', 'close']);
  assert.deepEqual(handler.heard, ['lost clean']);
});

test('StringTransport close() drops queued output and tells the handler once; abort() is recorded as abort', () => {
  const handler = recorder();
  const transport = new StringTransport({ sendBufferSize: 1 });
  transport.attach(handler);
  transport.write('xyz');
  transport.close();
  transport.close();
  transport.write('more');
  assert.equal(transport.text(), 'x');
  assert.equal(transport.queuedBytes, 0);
  assert.deepEqual(handler.heard, ['lost clean']);
  const aborted = new StringTransport();
  aborted.attach(recorder());
  aborted.abort();
  assert.deepEqual(aborted.calls, ['abort']);
  assert.equal(aborted.closed, true);
});

test('StringTransport reports a reset by the peer to the handler as ECONNRESET', () => {
  const handler = recorder();
  const transport = new StringTransport();
  transport.attach(handler);
  transport.resetByPeer();
  assert.deepEqual(handler.heard, ['lost ECONNRESET']);
});

test('StringTransport records TLS start requests and ends the handshake as configured', async () => {
  const context = new SSLContext(PROTOCOL_TLS_SERVER);
  const ok = new StringTransport();
  assert.equal(await ok.startTls(context), true);
  assert.equal(ok.secure, true);
  assert.deepEqual(ok.tlsContexts, [context]);
  const failing = new StringTransport({ tlsHandshake: 'fail' });
  assert.equal(await failing.startTls(context), false);
  assert.equal(failing.closed, true);
  const manual = new StringTransport({ tlsHandshake: 'manual' });
  const handshake = manual.startTls(context);
  assert.equal(manual.secure, false);
  manual.finishTls(true);
  assert.equal(await handshake, true);
  assert.equal(manual.secure, true);
  assert.throws(() => manual.finishTls(true), /no startTls\(\) is waiting/);
});

test('StringTransport.timeOut() asks the handler, then closes (or resets, for write) when it declines', () => {
  const handler = recorder();
  const idle = new StringTransport();
  idle.attach(handler);
  assert.equal(idle.timeOut('idle'), false);
  assert.deepEqual(idle.calls, ['close']);
  const slow = new StringTransport();
  slow.attach(recorder());
  slow.timeOut('write');
  assert.deepEqual(slow.calls, ['abort']);
  const polite = recorder();
  polite.answerTimeouts = true;
  const answered = new StringTransport();
  answered.attach(polite);
  assert.equal(answered.timeOut('read'), true);
  assert.equal(answered.closed, false);
});

test('StringTransport carries a POP3 session under the kit Connection with no socket', () => {
  const transport = new StringTransport();
  const session = new Pop3ServerSession({ allowPlaintextAuth: true });
  const connection = new Connection<Pop3ServerEvent>({
    transport,
    session,
    handler: {
      handleEvent(ev) {
        if (ev.type === 'login') session.loginSucceeded([{ id: 'm1', size: 3, uid: 'u1' }]);
        else if (ev.type === 'commit-deletions') session.deletionsCommitted(true);
        else if (ev.type === 'quit') connection.closeWhenDone();
      },
    },
  });
  assert.equal(transport.text(), '+OK polyport ready.\r\n');
  transport.clear();
  transport.feed('USER demo\r\nPASS x\r\nSTAT\r\nQUIT\r\n');
  assert.equal(transport.text(), '+OK\r\n+OK Logged in.\r\n+OK 1 3\r\n+OK Logging out.\r\n');
  assert.equal(transport.closed, true);
  assert.ok(transport.calls.includes('requestFinished'));
  assert.equal(connection.isClosed, true);
});

test('StringTransport never delivers fed bytes nested inside the handler that resumed reading', () => {
  const transport = new StringTransport();
  const order: string[] = [];
  let depth = 0;
  transport.attach({
    ...recorder(),
    dataReceived(data) {
      depth++;
      order.push(`${data.toString()} at depth ${depth}`);
      transport.pauseReading();
      transport.resumeReading();
      depth--;
    },
  });
  transport.pauseReading();
  transport.feed('a');
  transport.feed('b');
  transport.resumeReading();
  assert.deepEqual(order, ['a at depth 1', 'b at depth 1']);
});
