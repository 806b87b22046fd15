/**
 * The classic UDP client: read lines from standard input, send each as one datagram with
 * `sendto()`, and print the server's reply. UDP may lose a datagram, so each reply is awaited
 * for 2 seconds (or the timeout given) at most and a lost one is reported, not waited for
 * for ever.
 *
 *     node --import tsx examples/udp-client.ts [port] [host] [timeout-seconds]
 *
 * The port defaults to 8000 (the port of `examples/udp-server.ts`), the host to 127.0.0.1.
 * Type lines; end with Ctrl-D (end of input) or Ctrl-C.
 */
import { createInterface } from 'node:readline';
import {
  AF_INET,
  SOCK_DGRAM,
  SocketError,
  SocketTimeoutError,
  socket,
} from '../src/socket/index.js';

const port = Number(process.argv[2] ?? 8000);
const host = process.argv[3] ?? '127.0.0.1';
const timeout = Number(process.argv[4] ?? 2);
if (!Number.isInteger(port) || port < 1 || port > 65535 || !(timeout > 0)) {
  console.error('usage: udp-client.ts [port] [host] [timeout-seconds]');
  process.exit(2);
}

const sock = socket(AF_INET, SOCK_DGRAM);
sock.settimeout(timeout);
const lines = createInterface({ input: process.stdin, terminal: false });
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  lines.close();
  sock.close();
});

for await (const line of lines) {
  try {
    await sock.sendto(line, [host, port]);
    const [reply, [fromHost, fromPort]] = (await sock.recvfrom(65535)) as [
      Buffer,
      [string, number],
    ];
    console.log(`${fromHost}:${fromPort} replied: ${reply.toString()}`);
  } catch (err) {
    if (interrupted) break;
    if (err instanceof SocketTimeoutError) console.log(`no reply within ${timeout} seconds`);
    // Any other socket error (an unreachable network, say) costs this line only.
    else if (err instanceof SocketError) console.log(`error: ${err.message}`);
    else throw err;
  }
}
sock.close();
