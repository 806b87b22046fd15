/**
 * The polyport HTTP server under load: `/hello` from a route handler and every other path from
 * the static handler over the directory given as the first argument. Prints its port, exits
 * when stdin closes.
 */
import { loop, type SocketMap } from '../../dist/dispatch/index.js';
import { routeHandler, startHttpService, staticFiles } from '../../dist/protocols/http/index.js';
import { readyAccelerators } from '../lib/accelerators.js';

const root = process.argv[2] ?? '.';
await readyAccelerators();
const map: SocketMap = new Map();
const hello = Buffer.from('Hello, World!\n');
const service = await startHttpService({
  address: ['127.0.0.1', 0],
  handlers: [
    // The benchmark reads the server's CPU time here, to report requests per CPU-second.
    routeHandler('GET', '/__cpu', (_request, response) => {
      const { user, system } = process.cpuUsage();
      response.send(String(user + system));
    }),
    routeHandler('GET', '/hello', (_request, response) => {
      response.setHeader('Content-Type', 'text/plain');
      response.send(hello);
    }),
    staticFiles({ root }),
  ],
  map,
  limits: {
    maxConnections: 10_000,
    maxConnectionsPerAddress: 10_000,
    idleTimeout: 60,
    readTimeout: 30,
    maxRequestSize: 64 * 1024,
  },
});
process.stdout.write(`${service.listener.boundAddress[1]}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
await loop({ map });
