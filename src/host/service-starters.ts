/**
 * How each service of the config is started: the glue between a service's config table and
 * its protocol's start function. Every protocol plugs in here.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SocketMap } from '../dispatch/index.js';
import type { Clock, ServerLimits, ServerObserver } from '../protocols/common/index.js';
import {
  parseZone,
  RRType,
  sampleZone,
  startDnsService,
  Zone,
  ZoneSet,
} from '../protocols/dns/index.js';
import { type FingerUser, startFingerService } from '../protocols/finger/index.js';
import {
  DEMO_MESSAGES,
  MaildirStore,
  startPop3Service,
  startSmtpService,
} from '../protocols/mail/index.js';
import { parseQuotes, type SmallServiceName, startSmallService } from '../protocols/small/index.js';
import {
  type DatagramServiceConfig,
  isLoopbackAddress,
  type PolyportConfig,
} from './config/index.js';
import type { Logger } from './logger.js';
import type { TlsMaterial } from './tls-material.js';

/** One line of the start-up listing. */
export interface ListenerInfo {
  readonly protocol: string;
  readonly transport: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
}

/** A started service. */
export interface RunningService {
  readonly name: string;
  readonly listeners: readonly ListenerInfo[];
  /** Stops accepting; connections in flight finish on their own. */
  close(): void;
}

/** What a starter gets from the host. */
export interface StartContext {
  readonly config: PolyportConfig;
  readonly map: SocketMap;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The observer for a service (counts into its stats, logs through its child logger). */
  observer(service: string, protocol: string): ServerObserver;
  /** The TLS material, made or loaded on first use. */
  tls(): Promise<TlsMaterial>;
  /** A value shared by the services of one start (the mail store SMTP and POP3 share, say). */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
}

/** Starts one service, or returns null when its config disables it. */
export type ServiceStarter = (context: StartContext) => Promise<RunningService | null>;

const SMALL: readonly SmallServiceName[] = [
  'echo',
  'discard',
  'daytime',
  'chargen',
  'time',
  'qotd',
];

function smallStarter(name: SmallServiceName): ServiceStarter {
  return async (context) => {
    const config = context.config[name] as DatagramServiceConfig & { file?: string };
    if (!config.enabled || (!config.tcp && !config.udp)) return null;
    const quotes =
      name === 'qotd' && config.file ? parseQuotes(await readFile(config.file, 'utf8')) : undefined;
    const service = await startSmallService(name, {
      address: [config.address, config.port],
      tcp: config.tcp,
      udp: config.udp,
      limits: limitsOf(config.limits),
      rate: { perSecond: config.limits.udpRate, burst: config.limits.udpBurst },
      observer: context.observer(name, name),
      map: context.map,
      clock: context.clock,
      ...(quotes ? { quotes } : {}),
    });
    const listeners: ListenerInfo[] = [];
    if (service.tcp)
      listeners.push({
        protocol: name,
        transport: 'tcp',
        address: config.address,
        port: service.tcp.boundAddress[1],
      });
    if (service.udp)
      listeners.push({
        protocol: name,
        transport: 'udp',
        address: config.address,
        port: service.udp.boundAddress[1],
      });
    return { name, listeners, close: () => service.close() };
  };
}

/** The limits a protocol server takes, from a service's `limits` table. */
export function limitsOf(limits: ServerLimits): ServerLimits {
  return {
    maxConnections: limits.maxConnections,
    maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
    idleTimeout: limits.idleTimeout,
    readTimeout: limits.readTimeout,
    maxRequestSize: limits.maxRequestSize,
  };
}

/** Extra people the sample finger service knows, so that a listing shows more than one. */
const SAMPLE_FINGER_USERS: readonly FingerUser[] = [
  {
    login: 'alice',
    name: 'Alice Liddell',
    home: '/home/alice',
    shell: '/bin/sh',
    office: 'Rabbit Hole 1',
    plan: 'Follow the white rabbit.',
  },
  {
    login: 'bob',
    name: 'Bob Smith',
    home: '/home/bob',
    shell: '/bin/bash',
    project: 'Testing finger on loopback.',
  },
];

const fingerStarter: ServiceStarter = async (context) => {
  const { finger, users, sampleUsers } = context.config;
  if (!finger.enabled) return null;
  const shown =
    finger.users.length > 0 ? users.filter((u) => finger.users.includes(u.name)) : users;
  const records: FingerUser[] = shown.map((u) => ({
    login: u.name,
    name: u.realName || u.name,
    home: `/home/${u.name}`,
    shell: '/bin/sh',
    ...(u.plan ? { plan: u.plan } : {}),
  }));
  if (sampleUsers) records.push(...SAMPLE_FINGER_USERS);
  const service = await startFingerService({
    address: [finger.address, finger.port],
    users: records,
    allowForwarding: finger.allowForwarding,
    limits: limitsOf(finger.limits),
    observer: context.observer('finger', 'finger'),
    map: context.map,
    clock: context.clock,
  });
  return {
    name: 'finger',
    listeners: [
      {
        protocol: 'finger',
        transport: 'tcp',
        address: finger.address,
        port: service.listener.boundAddress[1],
      },
    ],
    close: () => service.close(),
  };
};

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

const dnsStarter: ServiceStarter = async (context) => {
  const { dns } = context.config;
  if (!dns.enabled || (!dns.tcp && !dns.udp)) return null;
  const zones = new ZoneSet(
    dns.zones.length > 0 ? await Promise.all(dns.zones.map(loadZoneFile)) : [sampleZone()],
  );
  const service = await startDnsService({
    address: [dns.address, dns.port],
    zones,
    forwarders: dns.forwarders.map(parseForwarder),
    limits: limitsOf(dns.limits),
    rate: { perSecond: dns.limits.udpRate, burst: dns.limits.udpBurst },
    observer: context.observer('dns', 'dns'),
    map: context.map,
    clock: context.clock,
    udp: dns.udp,
    tcp: dns.tcp,
  });
  const listeners: ListenerInfo[] = [];
  if (service.tcp)
    listeners.push({ protocol: 'dns', transport: 'tcp', address: dns.address, port: service.port });
  if (service.udp)
    listeners.push({ protocol: 'dns', transport: 'udp', address: dns.address, port: service.port });
  return { name: 'dns', listeners, close: () => service.close() };
};

/** The mailboxes, under `dataDir/mail`, one Maildir per user; the demo user gets sample mail. */
function mailStore(context: StartContext): Promise<MaildirStore> {
  return context.shared('mail-store', async () => {
    const store = new MaildirStore(join(context.config.dataDir, 'mail'));
    if (context.config.sampleUsers) await store.seedIfEmpty('demo', DEMO_MESSAGES);
    return store;
  });
}

const smtpStarter: ServiceStarter = async (context) => {
  const { smtp, users } = context.config;
  if (!smtp.enabled) return null;
  const service = await startSmtpService({
    address: [smtp.address, smtp.port],
    domains: smtp.domains,
    users,
    store: await mailStore(context),
    ...(smtp.catchAll ? { catchAll: smtp.catchAll } : {}),
    maxMessageSize: smtp.maxMessageSize,
    maxRecipients: smtp.maxRecipients,
    tls: (await context.tls()).context,
    limits: limitsOf(smtp.limits),
    observer: context.observer('smtp', 'smtp'),
    map: context.map,
    clock: context.clock,
  });
  return {
    name: 'smtp',
    listeners: [
      {
        protocol: 'smtp',
        transport: 'tcp',
        address: smtp.address,
        port: service.listener.boundAddress[1],
      },
    ],
    close: () => service.close(),
  };
};

const pop3Starter: ServiceStarter = async (context) => {
  const { pop3, users } = context.config;
  if (!pop3.enabled) return null;
  const service = await startPop3Service({
    address: [pop3.address, pop3.port],
    users,
    store: await mailStore(context),
    tls: (await context.tls()).context,
    // Passwords in clear text only where nobody else can listen.
    allowPlaintext: pop3.allowPlaintext && isLoopbackAddress(pop3.address),
    limits: limitsOf(pop3.limits),
    observer: context.observer('pop3', 'pop3'),
    map: context.map,
    clock: context.clock,
  });
  return {
    name: 'pop3',
    listeners: [
      {
        protocol: 'pop3',
        transport: 'tcp',
        address: pop3.address,
        port: service.listener.boundAddress[1],
      },
    ],
    close: () => service.close(),
  };
};

/**
 * Every service polyport can start, in start-up order. Protocols not built yet are absent and
 * their config tables are accepted but not served.
 */
export const STARTERS: ReadonlyArray<readonly [string, ServiceStarter]> = [
  ...SMALL.map((name) => [name, smallStarter(name)] as const),
  ['smtp', smtpStarter],
  ['dns', dnsStarter],
  ['finger', fingerStarter],
  ['pop3', pop3Starter],
];
