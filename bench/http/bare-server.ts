/**
 * The ceiling for any node:net server: a bare node:net server answering every read with one
 * fixed hello-world response (no parsing, no timers, no framework). wrk sends one request per
 * connection at a time, so one read is one request. Prints its port, exits when stdin closes.
 */
import { createServer } from 'node:net';

const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: bare\r\nDate: Tue, 24 Nov 2026 19:00:00 GMT\r\n' +
    'Content-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, World!\n',
  'latin1',
);
const server = createServer((sock) => {
  sock.on('data', () => {
    sock.write(RESPONSE);
  });
  sock.on('error', () => sock.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
