/**
 * One accelerator fault, simulated in a process of its own (accelerators are per process), then
 * traffic through polyport sockets checked byte for byte. Prints the accelerators' status and
 * the warnings as one JSON line; exits non-zero when traffic did not flow.
 * Usage: node --import tsx fault-scenario.ts <scenario>
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AF_INET,
  acceleratorStatus,
  prepareAccelerators,
  SOCK_DGRAM,
  type Socket,
  setAcceleratorWarningSink,
  socket,
} from '../../../src/socket/index.js';
import { loadedAddon } from '../../../src/socket/node/batched-datagrams.js';
import { handleOf } from '../../../src/socket/node/handles.js';
import { netPair, readExactly, tcpPair } from '../support.js';

const warnings: string[] = [];
setAcceleratorWarningSink((line) => warnings.push(line));

/** The native addon's calls, as the socket layer holds them (a fault replaces one). */
function addon(): { recv: (...args: unknown[]) => Buffer | undefined } {
  const calls = loadedAddon();
  assert.ok(calls, 'the native addon is loaded');
  return calls as unknown as { recv: (...args: unknown[]) => Buffer | undefined };
}

/** The prototype of Node's TCP handle, where its stream methods are found. */
async function tcpHandlePrototype(): Promise<Record<string, unknown>> {
  const [client, conn, stop] = await netPair();
  const handle = handleOf(conn);
  assert.ok(handle, 'the connection has a TCP handle');
  const prototype = Object.getPrototypeOf(handle);
  client.destroy();
  conn.destroy();
  stop();
  return prototype as Record<string, unknown>;
}

/** 1 MiB through a connected pair, both ways, compared byte for byte. */
async function tcpTraffic(pair?: [Socket, Socket]): Promise<void> {
  const [a, b] = pair ?? (await tcpPair());
  const payload = randomBytes(1024 * 1024);
  const reading = readExactly(b, payload.length);
  await a.sendall(payload);
  assert.ok((await reading).equals(payload), 'client to server');
  const reply = randomBytes(64 * 1024);
  const replying = readExactly(a, reply.length);
  await b.sendall(reply);
  assert.ok((await replying).equals(reply), 'server to client');
  a.close();
  b.close();
}

/** A datagram each way between two bound polyport UDP sockets. */
async function udpTraffic(): Promise<void> {
  const server = socket(AF_INET, SOCK_DGRAM);
  const client = socket(AF_INET, SOCK_DGRAM);
  await server.bind(['127.0.0.1', 0]);
  await client.bind(['127.0.0.1', 0]);
  await injectAfterBind?.();
  const query = randomBytes(900);
  await client.sendto(query, server.getsockname());
  const [got, from] = await server.recvfrom(2048);
  assert.ok(got.equals(query), 'client to server');
  await server.sendto(Buffer.from('answer'), from);
  assert.equal((await client.recvfrom(100))[0].toString(), 'answer');
  server.close();
  client.close();
}

let injectAfterBind: (() => Promise<void>) | undefined;

const scenarios: Record<string, () => Promise<void>> = {
  /** Node's handle lacks the piece slab reads need: the self-test fails, TCP still flows. */
  async 'slab-reads-missing'() {
    const prototype = await tcpHandlePrototype();
    prototype.useUserBuffer = undefined;
    await prepareAccelerators();
    await tcpTraffic();
  },
  /** The piece throws once the self-test has passed: a connection already on slab reads and
   * every new one keep flowing. */
  async 'slab-reads-throws'() {
    await prepareAccelerators();
    assert.equal(acceleratorStatus()[0]?.active, true, 'slab reads passed their self-test');
    const before = await tcpPair();
    const prototype = await tcpHandlePrototype();
    prototype.useUserBuffer = () => {
      throw new Error('simulated fault');
    };
    await tcpTraffic();
    await tcpTraffic(before);
  },
  /** The addon's receive throws on a socket already attached: it goes back to node:dgram and
   * the datagram waiting in the kernel still arrives. */
  async 'batched-datagrams-throws'() {
    await prepareAccelerators();
    assert.equal(acceleratorStatus()[1]?.active, true, 'batched I/O passed its self-test');
    injectAfterBind = async () => {
      addon().recv = () => {
        throw new Error('simulated fault');
      };
    };
    await udpTraffic();
  },
  /** A socket closed while the self-test still runs is not attached later, and is no fault. */
  async 'batched-datagrams-closed-early'() {
    const early = socket(AF_INET, SOCK_DGRAM);
    await early.bind(['127.0.0.1', 0]);
    early.close();
    await prepareAccelerators();
    await udpTraffic();
  },
  /** The addon hands back wrong bytes: the self-test catches it, datagrams use node:dgram. */
  async 'batched-datagrams-corrupt'() {
    const calls = addon();
    const recv = calls.recv;
    calls.recv = (...args: unknown[]) => {
      const data = recv(...args);
      if (data !== undefined && data.length > 0) data[0] = (data[0] as number) ^ 0xff;
      return data;
    };
    await prepareAccelerators();
    await udpTraffic();
  },
};

const scenario = scenarios[process.argv[2] ?? ''];
if (scenario === undefined) {
  process.stderr.write(`unknown scenario; known: ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}
await scenario();
process.stdout.write(`${JSON.stringify({ status: acceleratorStatus(), warnings })}\n`);
