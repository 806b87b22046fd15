/**
 * The classic TCP server: bind, listen, then accept clients one after another and answer each.
 * This one upper-cases whatever a client sends and sends it back, until the client closes.
 *
 * Run it (port 8888 by default; 0 picks a free port; the host defaults to loopback, and `''`
 * means every interface, as in Python):
 *
 *     node --import tsx examples/tcp-server.ts [port] [host]
 *
 * then talk to it with `examples/tcp-client.ts` or `nc 127.0.0.1 8888`. Ctrl-C stops it.
 *
 * Where the Python version blocks in `accept()` and `recv()`, this one awaits, and serves each
 * client in its own async function, so a slow client does not hold up the others.
 */
import {
  AF_INET,
  SOCK_STREAM,
  type Socket,
  type SocketAddress,
  SocketError,
  socket,
} from '../src/socket/index.js';

const port = Number(process.argv[2] ?? 8888);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: tcp-server.ts [port] [host]');
  process.exit(2);
}

/** Upper-cases ASCII letters byte by byte, so a UTF-8 character cut between two reads survives. */
function upperAscii(data: Buffer): Buffer {
  const out = Buffer.from(data);
  for (let i = 0; i < out.length; i++) {
    const byte = out[i]!;
    if (byte >= 0x61 && byte <= 0x7a) out[i] = byte - 0x20;
  }
  return out;
}

const clients = new Set<Socket>();
let stopping = false;

/** Answers one client until it closes its side (recv() gives an empty buffer). */
async function serve(conn: Socket, addr: SocketAddress): Promise<void> {
  clients.add(conn);
  try {
    for (;;) {
      const data = await conn.recv(4096);
      if (data.length === 0) break;
      await conn.sendall(upperAscii(data));
    }
    console.log(`closed ${formatPeer(addr)}`);
  } catch (err) {
    // A reset or a close from the SIGINT handler ends this client only, never the server.
    if (!(err instanceof SocketError)) throw err;
    if (!stopping) console.log(`${formatPeer(addr)}: ${err.message}`);
  } finally {
    clients.delete(conn);
    conn.close();
  }
}

function formatPeer(addr: SocketAddress): string {
  return typeof addr === 'string' ? addr : `${addr[0]}:${addr[1]}`;
}

const server = socket(AF_INET, SOCK_STREAM);
// Node binds and listens in one step, so bind() is awaited and the real port is known at once.
await server.bind([host, port]);
await server.listen(5);
const [boundHost, boundPort] = server.getsockname() as [string, number];

process.once('SIGINT', () => {
  stopping = true;
  // Closing the listener makes the pending accept() reject; closing the clients ends them.
  server.close();
  for (const conn of clients) conn.close();
});
// Announce the port only now that Ctrl-C is handled: whoever reads it may signal at once.
console.log(`listening on ${boundHost}:${boundPort}`);

for (;;) {
  let accepted: [Socket, SocketAddress];
  try {
    accepted = await server.accept();
  } catch (err) {
    if (stopping) break;
    throw err;
  }
  const [conn, addr] = accepted;
  console.log(`connection from ${formatPeer(addr)}`);
  void serve(conn, addr);
}
console.log('server stopped');
