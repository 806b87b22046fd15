/**
 * The classic UDP server: bind, then answer each datagram with `recvfrom()` / `sendto()`.
 * There is no connection: every datagram carries its sender's address, and the reply goes
 * back to that address. This one upper-cases the text it receives.
 *
 *     node --import tsx examples/udp-server.ts [port] [host]
 *
 * The port defaults to 8000 (0 picks a free one); the host to 127.0.0.1 (`''` is every
 * interface). Try it with `examples/udp-client.ts` or `nc -u 127.0.0.1 8000`. Ctrl-C stops it.
 */
import { AF_INET, SOCK_DGRAM, SocketError, socket } from '../src/socket/index.js';

const port = Number(process.argv[2] ?? 8000);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: udp-server.ts [port] [host]');
  process.exit(2);
}

const sock = socket(AF_INET, SOCK_DGRAM);
await sock.bind([host, port]);
const [boundHost, boundPort] = sock.getsockname() as [string, number];

// Closing the socket makes the pending recvfrom() reject, which ends the loop below.
let stopping = false;
process.once('SIGINT', () => {
  stopping = true;
  sock.close();
});
// Announce the port only now that Ctrl-C is handled: whoever reads it may signal at once.
console.log(`listening on ${boundHost}:${boundPort} (udp)`);

for (;;) {
  let received: Awaited<ReturnType<typeof sock.recvfrom>>;
  try {
    // 65535 holds any UDP payload; a shorter buffer would cut the datagram, as in C.
    received = await sock.recvfrom(65535);
  } catch (err) {
    if (stopping) break;
    throw err;
  }
  const [data, addr] = received;
  const [peerHost, peerPort] = addr as [string, number];
  console.log(`${data.length} bytes from ${peerHost}:${peerPort}`);
  try {
    await sock.sendto(data.toString().toUpperCase(), addr);
  } catch (err) {
    // A datagram that cannot be sent (the sender's port is gone, say) costs one reply only.
    if (!(err instanceof SocketError)) throw err;
    console.log(`reply to ${peerHost}:${peerPort} failed: ${err.message}`);
  }
}
console.log('server stopped');
