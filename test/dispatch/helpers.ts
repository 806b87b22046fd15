/**
 * Channels and helpers shared by the dispatcher tests: an echo server as in asyncore's
 * documentation, loopback clients, and a guard so a broken loop fails a test instead of hanging it.
 */
import {
  type ChannelSocket,
  Dispatcher,
  DispatcherWithSend,
  type SocketMap,
} from '../../src/dispatch/index.js';
import { AF_INET, SOCK_STREAM, type Socket, socket } from '../../src/socket/index.js';

/** Echoes what it reads, as asyncore's EchoHandler. */
export class EchoHandler extends DispatcherWithSend {
  override handleRead(): void {
    const data = this.recv(65536);
    if (data.length > 0) this.send(data);
  }
  override handleClose(): void {
    this.close();
  }
}

/** A listener handing each connection to an {@link EchoHandler} in the same map. */
export class EchoServer extends Dispatcher {
  readonly handlers: EchoHandler[] = [];
  override handleAccepted(sock: ChannelSocket): void {
    this.handlers.push(new EchoHandler(sock, this.map));
  }
}

/** Starts `server` on 127.0.0.1, port 0, and returns the port. */
export async function listenOnLoopback(server: Dispatcher): Promise<number> {
  server.createSocket();
  server.setReuseAddr();
  await server.bind(['127.0.0.1', 0]);
  await server.listen(64);
  const sock = server.socket;
  if (sock === null) throw new Error('the server has no socket');
  return (sock.getsockname() as [string, number])[1];
}

/** A blocking-style client connected to `port` on loopback. */
export async function client(port: number): Promise<Socket> {
  const sock = socket(AF_INET, SOCK_STREAM);
  sock.settimeout(10);
  await sock.connect(['127.0.0.1', port]);
  return sock;
}

/** Reads exactly `n` bytes. */
export async function readExactly(sock: Socket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const data = await sock.recv(Math.min(1 << 20, n - got));
    if (data.length === 0) throw new Error(`end of stream after ${got} of ${n} bytes`);
    parts.push(data);
    got += data.length;
  }
  return Buffer.concat(parts);
}

/**
 * Reads until end of stream, at most `readSize` bytes per read: small reads keep the kernel's
 * buffers full, so what a server sends waits in Node's queue after `send()`.
 */
export async function readAll(sock: Socket, readSize = 1 << 20): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const data = await within(sock.recv(readSize));
    if (data.length === 0) return Buffer.concat(parts);
    parts.push(data);
  }
}

/** Rejects when `promise` does not settle within `ms` (so a stuck loop fails, not hangs). */
export function within<T>(promise: Promise<T>, ms = 10_000, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fresh map, so each test's loop serves only its own channels. */
export function freshMap(): SocketMap {
  return new Map();
}

/** Swallows log output of a channel (errors the test provokes on purpose). */
export function quiet<T extends Dispatcher>(channel: T): T {
  channel.logInfo = () => {};
  return channel;
}
