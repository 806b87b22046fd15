/**
 * The classic TCP client: connect, send, read the answer until the server closes, print it.
 * It sends its arguments (or a default message), then shuts down its sending side so the
 * server sees the end of the message, and prints what comes back.
 *
 *     node --import tsx examples/tcp-client.ts [port] [message ...]
 *
 * The port defaults to 8888 (the port of `examples/tcp-server.ts`); the host is 127.0.0.1.
 * Every wait has a 10-second timeout, so the client never hangs on a silent server.
 */
import {
  AF_INET,
  SHUT_WR,
  SOCK_STREAM,
  SocketError,
  SocketTimeoutError,
  socket,
} from '../src/socket/index.js';

const args = process.argv.slice(2);
// The first argument is the port when it is a number; everything else is the message.
const port = args[0] !== undefined && /^\d+$/.test(args[0]) ? Number(args.shift()) : 8888;
const message = args.length > 0 ? args.join(' ') : 'Hello, world';

const sock = socket(AF_INET, SOCK_STREAM);
sock.settimeout(10);
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  sock.close();
});

try {
  await sock.connect(['127.0.0.1', port]);
  await sock.sendall(`${message}\n`);
  // Half-close: the server reads end of stream and knows the whole message has arrived.
  sock.shutdown(SHUT_WR);
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(4096);
    if (data.length === 0) break;
    parts.push(data);
  }
  process.stdout.write(`Received: ${Buffer.concat(parts).toString()}`);
} catch (err) {
  // connect() refused, a timeout, a reset: report it as Python would print the OSError.
  if (!(err instanceof SocketError)) throw err;
  if (!interrupted) {
    const why = err instanceof SocketTimeoutError ? 'no answer within 10 seconds' : err.message;
    console.error(`tcp-client: ${why}`);
    process.exitCode = 1;
  }
} finally {
  sock.close();
}
