/**
 * The dispatcher's logic through the in-memory fakes of polyport/testing: no sockets, no ports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AsyncChat,
  type ChannelSocket,
  closeAll,
  Dispatcher,
  loop,
  type Producer,
  type SocketMap,
} from '../../src/dispatch/index.js';
import { MemoryListener, memorySocketPair, StringTransport } from '../../src/testing/index.js';
import { EchoHandler, EchoServer, freshMap, sleep, within } from './helpers.js';

/** Lets the fakes' notifications (setImmediate) and the loop's rounds run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

class Echo extends AsyncChat {
  closedBy = '';
  constructor(sock: ChannelSocket, map: SocketMap) {
    super(sock, map);
    this.setTerminator('\n');
  }
  override collectIncomingData(data: Buffer): void {
    this.incoming.push(data);
  }
  override foundTerminator(): void {
    this.push(`echo: ${this.getData().toString()}\n`);
  }
  override handleClose(): void {
    this.closedBy ||= 'handleClose';
    super.handleClose();
  }
}

describe('dispatcher logic over in-memory sockets', () => {
  test('an echo server accepts in-memory connections from a MemoryListener and echoes them', async () => {
    const map = freshMap();
    const listener = new MemoryListener();
    const server = new EchoServer(listener, map);
    await server.listen(5);
    const running = loop({ map });
    const a = listener.dial();
    const b = listener.dial();
    a.sendNowait('from a');
    b.sendNowait('from b');
    await settle();
    assert.equal(a.recvNowait(100)?.toString(), 'from a');
    assert.equal(b.recvNowait(100)?.toString(), 'from b');
    assert.equal(server.handlers.length, 2);
    a.close();
    await settle();
    assert.equal(map.size, 2, 'the handler of a closed when a did');
    closeAll(map);
    await within(running, 1000, 'loop');
    assert.equal(b.recvNowait(100)?.length, 0, 'b reads end of stream');
  });

  test('an AsyncChat on a StringTransport answers what was fed, as asserted through value()', async () => {
    const map = freshMap();
    const transport = new StringTransport();
    const chat = new Echo(transport, map);
    transport.feed('one\ntw');
    await within(loop({ map, count: 2 }), 1000, 'loop');
    assert.equal(transport.text(), 'echo: one\n');
    transport.clear();
    transport.feed('o\n');
    await within(loop({ map, count: 2 }), 1000, 'loop');
    assert.equal(transport.text(), 'echo: two\n');
    chat.close();
  });

  test('a peer that does not read makes the channel stop pulling from its producer (counted more() calls)', async () => {
    const map = freshMap();
    const [a, b] = memorySocketPair({ sendBufferSize: 4096 });
    const chat = new Echo(a, map);
    let calls = 0;
    const producer: Producer = {
      more: () => {
        calls += 1;
        return Buffer.alloc(1000, 0x2a);
      },
    };
    chat.pushWithProducer(producer);
    const running = loop({ map });
    await settle(20);
    assert.equal(calls, 5, 'four chunks fill the 4096-byte buffer, the fifth is partly sent');
    await sleep(50);
    assert.equal(calls, 5, 'no more() while the peer reads nothing');
    assert.equal(b.recvNowait(1 << 20)?.length, 4096);
    await settle(20);
    assert.ok(calls > 5, 'reading resumed the pulls');
    closeAll(map);
    await within(running, 1000, 'loop');
  });

  test('a reset by the peer reaches handleClose, not handleError', async () => {
    const map = freshMap();
    const [a] = memorySocketPair();
    const chat = new Echo(a, map);
    let errors = 0;
    chat.handleError = () => {
      errors += 1;
    };
    const running = loop({ map });
    a.resetByPeer();
    await within(running, 1000, 'loop');
    assert.equal(chat.closedBy, 'handleClose');
    assert.equal(errors, 0);
  });

  test('the peer closing makes recv() return empty and the channel close', async () => {
    const map = freshMap();
    const [a, b] = memorySocketPair();
    const chat = new Echo(a, map);
    const running = loop({ map });
    b.sendNowait('last words\n');
    b.close();
    await within(running, 1000, 'loop');
    assert.equal(chat.closedBy, 'handleClose');
    assert.equal(a.closed, true);
  });

  test('an exception in one channel closes that channel only', async () => {
    const map = freshMap();
    class Fragile extends EchoHandler {
      override handleRead(): void {
        throw new Error('broken handler');
      }
      override logInfo(): void {}
    }
    const [a, peerA] = memorySocketPair();
    const [b, peerB] = memorySocketPair();
    new Fragile(a, map);
    new EchoHandler(b, map);
    const running = loop({ map });
    peerA.sendNowait('x');
    peerB.sendNowait('y');
    await settle(10);
    assert.equal(a.closed, true);
    assert.equal(b.closed, false);
    assert.equal(peerB.recvNowait(10)?.toString(), 'y');
    closeAll(map);
    await within(running, 1000, 'loop');
  });

  test('wake() serves a channel whose writable() changed without any I/O', async () => {
    const map = freshMap();
    const [a, b] = memorySocketPair();
    class Later extends Dispatcher {
      ready = false;
      override readable(): boolean {
        return false;
      }
      override writable(): boolean {
        return this.ready;
      }
      override handleWrite(): void {
        this.send('now');
        this.ready = false;
      }
    }
    const channel = new Later(a, map);
    const running = loop({ map });
    await settle();
    assert.equal(b.recvNowait(10), null);
    channel.ready = true;
    channel.wake();
    await settle();
    assert.equal(b.recvNowait(10)?.toString(), 'now');
    closeAll(map);
    await within(running, 1000, 'loop');
  });

  test('a listener closed with connections still queued closes them: their clients read end of stream', async () => {
    const listener = new MemoryListener();
    const client = listener.dial();
    listener.close();
    assert.equal(client.recvNowait(10)?.length, 0);
    assert.throws(() => listener.dial(), { code: 'ECONNREFUSED' });
  });
});

describe('DispatcherWithSend', () => {
  test('close() drops the output still queued, so a closed channel holds no buffers', () => {
    const [a] = memorySocketPair({ sendBufferSize: 4 });
    const channel = new EchoHandler(a, freshMap());
    assert.equal(channel.send('0123456789'), 10);
    assert.equal(channel.outBufferLength, 6);
    channel.close();
    assert.equal(channel.outBufferLength, 0);
  });
});
