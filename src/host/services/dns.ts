/**
 * DNS: the configured zone files (or the sample zone), forwarding when upstreams are set;
 * `polyport dig` is its client.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  DEFAULT_RECURSION_CLIENTS,
  digCommand,
  parseZone,
  RRType,
  sampleZone,
  startDnsService,
  Zone,
  ZoneSet,
} from '../../protocols/dns/index.js';
import { isAddressRange, isForwarder } from '../config/address-syntax.js';
import { PATH_TYPE } from '../config/path-keys.js';
import type { DnsServiceConfig } from '../config/polyport-config.js';
import { booleanType, listType, stringType } from '../config/value-types.js';
import type { ServiceModule } from '../service-module.js';
import { requireConfiguredPath } from '../starters/configured-path.js';
import { running, serverOptions } from '../starters/start-context.js';

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

/**
 * `[dns]`: an authoritative server for the zones, over UDP and TCP, and `polyport dig`.
 *
 * @example
 * serviceTable(config, dnsService)?.zones; // []: the sample example.test zone
 */
export const dnsService: ServiceModule<DnsServiceConfig> = {
  name: 'dns',
  title: 'DNS (RFC 1035)',
  wellKnownPort: 53,
  datagram: true,
  maxRequestSize: 65535,
  keys: [
    {
      key: 'dns.zones',
      type: listType(PATH_TYPE),
      default: [],
      doc: 'Master files (RFC 1035 section 5) to serve authoritatively; empty serves a sample example.test zone.',
    },
    {
      key: 'dns.forwarders',
      type: listType(
        stringType({
          name: 'IP[:port]',
          expected: 'an IP address with an optional port',
          check: isForwarder,
        }),
      ),
      default: [],
      doc: 'Servers that names outside the zones are forwarded to; empty answers REFUSED for them.',
    },
    {
      key: 'dns.allowRecursion',
      type: listType(
        stringType({
          name: 'address or CIDR',
          expected: 'an IP address or CIDR range such as 10.0.0.0/8',
          check: isAddressRange,
        }),
      ),
      default: [...DEFAULT_RECURSION_CLIENTS],
      doc: 'Clients whose queries for names outside the zones are forwarded (when dns.forwarders is set); others get REFUSED for such names, while the zones answer everyone. The default is loopback and the private ranges (RFC 1918, unique-local and link-local IPv6), so a server listening on a public address is not an open resolver.',
    },
    {
      key: 'dns.logQueries',
      type: booleanType(),
      default: false,
      doc: 'Log one line per query answered (peer, name, type, rcode). Off by default, as in dnsmasq: a busy server would spend more on its log than on its answers. Queries are counted on the status page either way.',
    },
  ],
  async start(context, dns) {
    const { http, portOffset } = context.config;
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
  },
  cli: { command: digCommand, usesLocalServer: true },
};
