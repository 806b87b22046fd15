/**
 * The classic `select()` server: one listening socket and its clients in one list, a single
 * loop that asks `select()` which are ready, accepts on the listener, echoes what clients send,
 * and drops a client at end of stream. Replies wait in a queue per client and go out when
 * `select()` says the client is writable, so a client that does not read cannot block the rest.
 *
 *     node --import tsx examples/select-server.ts [port] [host]
 *
 * The port defaults to 8888 (0 picks a free one), the host to 127.0.0.1. Try `nc 127.0.0.1
 * 8888` from a few terminals. Ctrl-C stops it: the signal handler writes a byte to a socket
 * pair that sits in the read list (the "self-pipe" trick), so `select()` wakes up and the loop
 * ends between two rounds, never in the middle of one.
 *
 * The sockets are non-blocking, as in the Python original, so after `select()` says a socket
 * is ready its `accept()`, `recv()` and `send()` complete at once; `await` only unwraps them.
 */
import { select } from '../src/select/index.js';
import {
  AF_INET,
  SOCK_STREAM,
  type Socket,
  SocketError,
  socket,
  socketpair,
} from '../src/socket/index.js';

const port = Number(process.argv[2] ?? 8888);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: select-server.ts [port] [host]');
  process.exit(2);
}

const server = socket(AF_INET, SOCK_STREAM);
server.setblocking(false);
await server.bind([host, port]);
await server.listen(5);
const [boundHost, boundPort] = server.getsockname() as [string, number];

const [wakeReader, wakeWriter] = await socketpair();
process.once('SIGINT', () => wakeWriter.sendNowait('!'));
// Announce the port only now that Ctrl-C is handled: whoever reads it may signal at once.
console.log(`listening on ${boundHost}:${boundPort}`);

/** Sockets to read from: the listener, the wake-up pair, the clients. */
const inputs: Socket[] = [server, wakeReader];
/** Clients with replies waiting. */
const outputs: Socket[] = [];
const queues = new Map<Socket, Buffer[]>();
/** Each client's address, kept from accept(): after a reset the socket may not know it. */
const peers = new Map<Socket, string>();

function remove(list: Socket[], sock: Socket): void {
  const index = list.indexOf(sock);
  if (index !== -1) list.splice(index, 1);
}

function drop(conn: Socket): void {
  remove(inputs, conn);
  remove(outputs, conn);
  queues.delete(conn);
  peers.delete(conn);
  conn.close();
}

serving: for (;;) {
  const [readable, writable, exceptional] = await select(inputs, outputs, inputs);
  for (const sock of readable) {
    if (sock === wakeReader) break serving;
    if (sock === server) {
      const [conn, [peerHost, peerPort]] = (await server.accept()) as [Socket, [string, number]];
      console.log(`connection from ${peerHost}:${peerPort}`);
      conn.setblocking(false);
      inputs.push(conn);
      queues.set(conn, []);
      peers.set(conn, `${peerHost}:${peerPort}`);
      continue;
    }
    let data: Buffer;
    try {
      data = await sock.recv(1024);
    } catch (err) {
      // A reset is this client's end, not the server's.
      if (!(err instanceof SocketError)) throw err;
      data = Buffer.alloc(0);
    }
    if (data.length > 0) {
      queues.get(sock)?.push(data);
      if (!outputs.includes(sock)) outputs.push(sock);
    } else {
      // End of stream: the client has sent all it will. Replies still queued go out first
      // (it may be reading still, as tcp-client.ts does after its half-close).
      console.log(`closing ${peers.get(sock)}`);
      remove(inputs, sock);
      if (queues.get(sock)?.length === 0) drop(sock);
    }
  }
  for (const sock of writable) {
    const queue = queues.get(sock);
    // Dropped earlier in this round: its entry in this list is stale.
    if (queue === undefined) continue;
    const next = queue.shift();
    if (next === undefined) {
      remove(outputs, sock);
      // Read to its end and answered in full: done with it.
      if (!inputs.includes(sock)) drop(sock);
      continue;
    }
    try {
      const sent = await sock.send(next);
      if (sent < next.length) queue.unshift(next.subarray(sent));
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
      drop(sock);
    }
  }
  for (const sock of exceptional) if (queues.has(sock)) drop(sock);
}

for (const sock of [...inputs, ...queues.keys()]) sock.close();
wakeWriter.close();
console.log('server stopped');
