import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import type { Reply } from '../../../src/protocols/ftp/codec/reply.js';
import { FtpReplyDecoder, startFtpService } from '../../../src/protocols/ftp/index.js';
import { ChannelTransport } from '../../../src/server/channel-transport.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import {
  AF_INET,
  SO_RCVBUF,
  SO_SNDBUF,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  socket,
} from '../../../src/socket/index.js';

/** Kernel buffers this small leave the server's own queue as what a flood fills. */
const KERNEL_BUFFER = 16 * 1024;

/** A server with anonymous listing over `root`, commands unthrottled, and its own loop. */
async function startServer(root: string, maxPendingOutput: number) {
  const map: SocketMap = new Map();
  const service = await startFtpService({
    address: ['127.0.0.1', 0],
    root,
    users: [],
    anonymous: true,
    maxCommandsPerSecond: 0,
    limits: { ...DEFAULT_LIMITS, maxPendingOutput },
    map,
  });
  const running = loop({ map, timeout: 1 });
  return {
    map,
    port: service.listener.boundAddress[1],
    async stop() {
      service.close();
      closeAll(map, true);
      await running;
    },
  };
}

/** A control-connection client that reads replies with the client's own decoder. */
class Client {
  readonly sock: Socket;
  readonly #decoder = new FtpReplyDecoder();

  constructor(sock: Socket) {
    this.sock = sock;
  }

  /** Connects with a small receive buffer, as a client that reads slowly would have. */
  static async open(port: number): Promise<Client> {
    const sock = socket(AF_INET, SOCK_STREAM);
    sock.setsockopt(SOL_SOCKET, SO_RCVBUF, KERNEL_BUFFER);
    sock.settimeout(30);
    await sock.connect(['127.0.0.1', port]);
    return new Client(sock);
  }

  async read(): Promise<Reply> {
    for (;;) {
      const ev = this.#decoder.nextEvent();
      if (ev?.type === 'reply') return ev.reply;
      if (ev?.type === 'error') throw new Error(ev.message);
      const data = await this.sock.recv(65536);
      if (data.length === 0) throw new Error('the server closed the connection');
      this.#decoder.receiveData(data);
    }
  }

  async login(): Promise<void> {
    assert.equal((await this.read()).code, 220);
    await this.sock.sendall('USER anonymous\r\n');
    assert.equal((await this.read()).code, 331);
    await this.sock.sendall('PASS guest\r\n');
    assert.equal((await this.read()).code, 230);
  }
}

/**
 * The transport of the server's newest control connection (the only connections on this
 * server's loop besides its listener), its send buffer made small.
 */
function newestSession(map: SocketMap): ChannelTransport {
  const sessions = [...map.values()].filter(
    (c): c is ChannelTransport => c instanceof ChannelTransport,
  );
  const session = sessions.at(-1);
  assert.ok(session !== undefined, 'the server has a session');
  (session.socket as unknown as Socket).setsockopt(SOL_SOCKET, SO_SNDBUF, KERNEL_BUFFER);
  return session;
}

/**
 * Watches the server while the client reads nothing, until its output stops moving (the kernel
 * buffers are full and the server holds back): the most `session` queued, and the most
 * descriptors this process held meanwhile.
 */
async function watch(session: ChannelTransport): Promise<{ queued: number; descriptors: number }> {
  let queued = 0;
  let descriptors = 0;
  let last = -1;
  let still = 0;
  // Up to 60 s on a loaded machine; a server that keeps sending never settles and fails below.
  for (let round = 0; round < 2400 && still < 60; round++) {
    await sleep(25);
    queued = Math.max(queued, session.queuedBytes);
    descriptors = Math.max(descriptors, readdirSync('/proc/self/fd').length);
    const moved = session.bytesOut + session.queuedBytes;
    still = moved === last ? still + 1 : 0;
    last = moved;
  }
  return { queued, descriptors };
}

/** Another client logs in and gets a NOOP answered while the flood is held. */
async function anotherClientIsServed(port: number): Promise<void> {
  const other = await Client.open(port);
  try {
    await other.login();
    await other.sock.sendall('NOOP\r\n');
    assert.equal((await other.read()).code, 200);
  } finally {
    other.sock.close();
  }
}

test('a client flooding STAT of a large directory without reading holds the server to the output bound, then gets every reply in order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'polyport-ftp-bp-'));
  mkdirSync(join(root, 'big'));
  // 200 entries with long names: one STAT reply is about 52 KB.
  for (let i = 0; i < 200; i++)
    writeFileSync(join(root, 'big', `${String(i).padStart(4, '0')}-${'x'.repeat(200)}`), '');
  const limit = 256 * 1024;
  const server = await startServer(root, limit);
  const baseline = readdirSync('/proc/self/fd').length;
  let client: Client | null = null;
  try {
    client = await Client.open(server.port);
    await client.login();
    const session = newestSession(server.map);
    // 150 STATs (7.8 MB of replies, more than the kernel buffers take from a client that does
    // not read: tcp_wmem allows 4 MiB at most), each followed by a NOOP to check the order.
    const sending = client.sock.sendall('STAT big\r\nNOOP\r\n'.repeat(150));
    sending.catch(() => {});
    const seen = await watch(session);
    assert.ok(seen.queued >= limit, `the server answered up to the bound (${seen.queued} queued)`);
    assert.equal(session.readable(), false, 'the stalled connection is not read');
    // The bound, plus the one reply that took the queue over it.
    assert.ok(seen.queued <= limit + 64 * 1024, `queued ${seen.queued} bytes, bound ${limit}`);
    assert.ok(
      seen.descriptors <= baseline + 16,
      `${seen.descriptors} descriptors (baseline ${baseline})`,
    );

    await anotherClientIsServed(server.port);

    for (let i = 0; i < 150; i++) {
      const stat: Reply = await client.read();
      assert.equal(stat.code, 213, `reply ${2 * i}`);
      assert.equal(stat.lines.length, 202, `reply ${2 * i} lists every entry`);
      assert.equal(stat.lines.at(-1), 'End of status');
      assert.equal((await client.read()).code, 200, `reply ${2 * i + 1}`);
    }
    await sending;
  } finally {
    client?.sock.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a client flooding NOOP and HELP without reading holds the server to the output bound, then gets every reply in order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'polyport-ftp-bp-'));
  const limit = 4096;
  const server = await startServer(root, limit);
  let client: Client | null = null;
  try {
    client = await Client.open(server.port);
    await client.login();
    const session = newestSession(server.map);
    // 40,000 NOOP and HELP pairs: 480 KB of commands, 15 MB of replies, far more than the kernel
    // buffers and the bound hold.
    const sending = client.sock.sendall('NOOP\r\nHELP\r\n'.repeat(40_000));
    sending.catch(() => {});
    const seen = await watch(session);
    assert.ok(seen.queued >= limit, `the server answered up to the bound (${seen.queued} queued)`);
    // The bound, plus the one reply (HELP: 351 bytes) that took the queue over it.
    assert.ok(seen.queued <= limit + 512, `queued ${seen.queued} bytes, bound ${limit}`);

    await anotherClientIsServed(server.port);

    for (let i = 0; i < 40_000; i++) {
      assert.equal((await client.read()).code, 200, `reply ${2 * i}`);
      assert.equal((await client.read()).code, 214, `reply ${2 * i + 1}`);
    }
    await sending;
  } finally {
    client?.sock.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
