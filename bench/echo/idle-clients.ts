/**
 * The client side of the idle-memory measurement (idle-memory.ts), run in its own process so
 * that none of its sockets or buffers count in the server's memory. Usage:
 * idle-clients.ts PORT CONNECTIONS warmup|hold
 *
 * Opens CONNECTIONS TCP connections to an echo server (a bounded number at a time, so the
 * listen backlog never overflows into SYN retries), sends 1 byte on each and waits for its echo:
 * once every echo is back, the server has accepted and served every connection. Then `warmup`
 * closes them all and exits; `hold` prints `ready` and keeps them open, idle, until its stdin
 * closes.
 */
import { connect, type Socket } from 'node:net';

const [portText, countText, mode] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
if (!port || !count || (mode !== 'warmup' && mode !== 'hold')) {
  process.stderr.write('usage: idle-clients.ts PORT CONNECTIONS warmup|hold\n');
  process.exit(2);
}

/** Connections being opened at once: well under the servers' listen backlog of 511. */
const AT_ONCE = 200;

/** Opens one connection and resolves once its 1-byte ping has come back. */
function openAndPing(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1', noDelay: true }, () => sock.write('x'));
    sock.once('error', reject);
    sock.once('data', () => {
      sock.off('error', reject);
      // A reset while idle (the server going away) is not this process's failure.
      sock.on('error', () => {});
      resolve(sock);
    });
  });
}

const sockets: Socket[] = [];
let next = 0;
const worker = async (): Promise<void> => {
  while (next < count) {
    next++;
    sockets.push(await openAndPing());
  }
};
await Promise.all(Array.from({ length: Math.min(AT_ONCE, count) }, worker));

if (mode === 'warmup') {
  for (const sock of sockets) sock.destroy();
  process.exit(0);
}
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  for (const sock of sockets) sock.destroy();
  process.exit(0);
});
