/**
 * The reference: an echo server on bare `node:net`, as a Node programmer would write it.
 * Prints its port on stdout, then serves until stdin closes.
 */
import { createServer } from 'node:net';

const server = createServer({ noDelay: true }, (sock) => {
  sock.on('data', (data) => {
    if (!sock.write(data)) {
      sock.pause();
      sock.once('drain', () => sock.resume());
    }
  });
  sock.on('error', () => sock.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
