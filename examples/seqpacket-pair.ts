/**
 * `socketpair(AF_UNIX, SOCK_SEQPACKET)`: a connected pair (a stream's connection and end of
 * stream) that keeps message boundaries (a datagram's framing): each `recv()` returns one
 * message, never two run together nor half of one. A protocol between a parent and a worker
 * gets its framing from the kernel.
 *
 *     node --import tsx examples/seqpacket-pair.ts
 *
 * Needs polyport's native addon (`npm run build:native`): Node has no SOCK_SEQPACKET.
 */
import { AF_UNIX, SOCK_SEQPACKET, socketpair } from '../src/socket/index.js';

const [parent, worker] = await socketpair(AF_UNIX, SOCK_SEQPACKET);

// Three messages sent back to back, before anyone reads: a stream would hand them over as
// one run of bytes; here they stay three.
for (const message of ['hello', 'a longer second message', '3']) await parent.sendall(message);
parent.close();

for (;;) {
  const message = await worker.recv(1024);
  // A zero-length read is the end, as on a stream: the other end closed.
  if (message.length === 0) break;
  console.log(`message of ${message.length} bytes: ${message}`);
}
console.log('end: the other end closed');
worker.close();
