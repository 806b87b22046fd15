/**
 * polyport's echo server: a `Dispatcher` listener handing connections to `DispatcherWithSend`
 * channels, served by `loop()`. Prints its port on stdout, then serves until stdin closes.
 */
import {
  type ChannelSocket,
  Dispatcher,
  DispatcherWithSend,
  loop,
} from '../../dist/dispatch/index.js';
import { IPPROTO_TCP, TCP_NODELAY } from '../../dist/socket/index.js';
import { readyAccelerators } from '../lib/accelerators.js';

class EchoChannel extends DispatcherWithSend {
  override readable(): boolean {
    // Backpressure: stop reading while our echo waits for the peer to read.
    return this.outBufferLength < 256 * 1024;
  }

  override handleRead(): void {
    const data = this.recv(256 * 1024);
    // What recv() returns is ours: hand it over rather than have it copied, as a node:net echo
    // writes the chunk it was given.
    if (data.length > 0) this.send(data, { owned: true });
  }

  override handleWrite(): void {
    super.handleWrite();
    if (this.outBufferLength < 256 * 1024) this.wake();
  }
}

class EchoServer extends Dispatcher {
  override handleAccepted(sock: ChannelSocket): void {
    sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    new EchoChannel(sock);
  }
}

await readyAccelerators();
const server = new EchoServer();
server.createSocket();
server.setReuseAddr();
await server.bind(['127.0.0.1', 0]);
await server.listen(511);
const [, port] = server.socket!.getsockname() as [string, number];
process.stdout.write(`${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
await loop();
