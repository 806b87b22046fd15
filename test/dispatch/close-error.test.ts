/**
 * asyncore calls handle_close for a peer's reset and for its FIN alike; `closeError` tells a
 * channel which one it was, so a protocol never takes a cut transfer for a finished one.
 */
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { describe, test } from 'node:test';
import { type ChannelSocket, Dispatcher, loop, type SocketMap } from '../../src/dispatch/index.js';
import { ConnectionResetError, type SocketError } from '../../src/socket/index.js';
import { freshMap, listenOnLoopback, within } from './helpers.js';

/** Reads everything, then records what `closeError` held when `handleClose` ran. */
class Recorder extends Dispatcher {
  bytes = 0;
  closedWith: SocketError | null | undefined;
  readonly closed: Promise<void>;
  #done: () => void = () => {};
  constructor(sock: ChannelSocket, map: SocketMap) {
    super(sock, map);
    this.closed = new Promise((resolve) => {
      this.#done = resolve;
    });
  }
  override handleRead(): void {
    this.bytes += this.recv(65536).length;
  }
  override handleClose(): void {
    this.closedWith = this.closeError;
    this.close();
    this.#done();
  }
}

class Server extends Dispatcher {
  accepted: Promise<Recorder>;
  #resolve: (r: Recorder) => void = () => {};
  constructor(map: SocketMap) {
    super(null, map);
    this.accepted = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
  override handleAccepted(sock: ChannelSocket): void {
    this.#resolve(new Recorder(sock, this.map));
  }
}

/** Connects with node:net, writes 1000 bytes, then resets or ends once they are written. */
function peer(port: number, how: 'reset' | 'end'): void {
  const c = netConnect(port, '127.0.0.1', () => {
    c.write(Buffer.alloc(1000, 1), () => {
      if (how === 'reset') c.resetAndDestroy();
      else c.end();
    });
  });
  c.on('error', () => {});
}

describe('Dispatcher.closeError', () => {
  for (const how of ['reset', 'end'] as const) {
    test(`handleClose after the peer's ${how === 'reset' ? 'reset' : 'FIN'} sees closeError ${how === 'reset' ? 'set to a ConnectionResetError' : 'null'}`, async () => {
      const map = freshMap();
      const server = new Server(map);
      const port = await listenOnLoopback(server);
      const running = loop({ map });
      try {
        peer(port, how);
        const channel = await within(server.accepted, 10_000, 'accept');
        await within(channel.closed, 10_000, 'handleClose');
        assert.equal(channel.bytes, 1000);
        if (how === 'reset') {
          assert.ok(channel.closedWith instanceof ConnectionResetError, String(channel.closedWith));
        } else assert.equal(channel.closedWith, null);
      } finally {
        server.close();
        await running;
      }
    });
  }
});
