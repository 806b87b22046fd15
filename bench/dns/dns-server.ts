/**
 * The polyport DNS server for the benchmark, in its own process: the sample zone on 127.0.0.1,
 * a free port printed on the first stdout line, exit when stdin closes.
 */
import { loop, type SocketMap } from '../../dist/dispatch/index.js';
import { sampleZone, startDnsService, ZoneSet } from '../../dist/protocols/dns/index.js';
import { readyAccelerators } from '../lib/accelerators.js';

await readyAccelerators();
const map: SocketMap = new Map();
const dns = await startDnsService({
  address: ['127.0.0.1', Number(process.argv[2] ?? 0)],
  zones: new ZoneSet([sampleZone()]),
  map,
});
process.stdout.write(`${dns.port}\n`);
process.stdin.resume();
process.stdin.on('end', () => dns.close());
process.on('SIGTERM', () => dns.close());
await loop({ map });
process.exit(0);
