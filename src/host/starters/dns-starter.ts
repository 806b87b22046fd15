/**
 * DNS: the configured zone files (or the sample zone), forwarding when upstreams are set.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  parseZone,
  RRType,
  sampleZone,
  startDnsService,
  Zone,
  ZoneSet,
} from '../../protocols/dns/index.js';
import { requireConfiguredPath } from './configured-path.js';
import { running, type ServiceStarter, serverOptions } from './start-context.js';

/**
 * Loads a zone master file. Its origin is the file name without `.zone`/`.db` (`example.test.zone`
 * → `example.test`) unless the file sets `$ORIGIN`; the zone's apex is the owner of its SOA.
 */
async function loadZoneFile(path: string): Promise<Zone> {
  const text = await readFile(path, 'utf8');
  const origin = basename(path).replace(/\.(zone|db)$/i, '');
  const records = parseZone(text, { origin, file: path });
  const soa = records.find((r) => r.type === RRType.SOA);
  if (soa === undefined) throw new Error(`${path}: a zone needs an SOA record`);
  return new Zone(soa.name, records);
}

/** Parses `IP`, `IP:port`, `[v6]` or `[v6]:port` (port 53 by default). */
function parseForwarder(text: string): readonly [string, number] {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return [bracket[1] as string, bracket[2] ? Number(bracket[2]) : 53];
  const parts = text.split(':');
  if (parts.length === 2) return [parts[0] as string, Number(parts[1])];
  return [text, 53];
}

/** Starts DNS. */
export const dnsStarter: ServiceStarter = async (context) => {
  const { dns, http, portOffset } = context.config;
  if (!dns.enabled || (!dns.tcp && !dns.udp)) return null;
  for (const zone of dns.zones) await requireConfiguredPath('dns.zones', zone, 'file');
  const zones = new ZoneSet(
    dns.zones.length > 0
      ? await Promise.all(dns.zones.map(loadZoneFile))
      : [sampleZone({ httpPort: http.port === 0 ? 80 + portOffset : http.port })],
  );
  const service = await startDnsService({
    ...serverOptions(context, 'dns', dns),
    zones,
    forwarders: dns.forwarders.map(parseForwarder),
    allowRecursion: dns.allowRecursion,
    rate: { perSecond: dns.limits.udpRate, burst: dns.limits.udpBurst },
    udp: dns.udp,
    tcp: dns.tcp,
  });
  return running(
    'dns',
    dns.address,
    { tcp: service.tcp ? service.port : undefined, udp: service.udp ? service.port : undefined },
    () => service.close(),
  );
};
