/**
 * AF_UNIX datagram sockets: messages between two sockets of one machine, each one delivered
 * whole and apart from the others (no stream to split), and reliable — unlike UDP, the kernel
 * never drops one; a full receiver makes the sender wait. Both sockets here have abstract
 * names (a leading NUL: Linux keeps them in no file system and frees them with the socket), so
 * the server knows where to answer, as `recvfrom()` tells it.
 *
 *     node --import tsx examples/unix-datagram.ts [message...]
 *
 * The server upper-cases each message; the client prints the answers. Needs polyport's native
 * addon (`npm run build:native`): Node itself has no AF_UNIX datagram sockets.
 */
import { AF_UNIX, SOCK_DGRAM, socket } from '../src/socket/index.js';

const messages = process.argv.length > 2 ? process.argv.slice(2) : ['one', 'two two', 'three'];
const serverName = `\0polyport-example-server-${process.pid}`;
const clientName = `\0polyport-example-client-${process.pid}`;

const server = socket(AF_UNIX, SOCK_DGRAM);
await server.bind(serverName);
const client = socket(AF_UNIX, SOCK_DGRAM);
await client.bind(clientName);

// Abstract names print with @ for the NUL, as ss and netstat show them.
const show = (name: unknown): string => String(name).replace('\0', '@');

for (const message of messages) await client.sendto(message, serverName);
for (let i = 0; i < messages.length; i++) {
  const [data, from] = await server.recvfrom(1024);
  console.log(`server: ${data.length} bytes from ${show(from)}: ${data}`);
  await server.sendto(data.toString().toUpperCase(), from);
}
for (let i = 0; i < messages.length; i++) {
  const [answer] = await client.recvfrom(1024);
  console.log(`client: ${answer}`);
}
client.close();
server.close();
