/**
 * The contract between the host and a service module's `start`: what it gets, what it returns
 * (its rows in the start-up listing), and the helpers every service uses to turn its config
 * table into server options.
 */
import type { SocketMap } from '../../dispatch/index.js';
import { AddressList } from '../../protocols/dns/index.js';
import type { Clock } from '../../server/clock.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_MAX_PENDING_OUTPUT,
  DEFAULT_WRITE_TIMEOUT,
  type ServerLimits,
} from '../../server/limits.js';
import type { ServerObserver } from '../../server/server-observer.js';
import type { ProxyProtocolOptions } from '../../server/tcp-listener.js';
import type { EventHub } from '../capture/event-hub.js';
import type { PolyportConfig, ServiceConfig } from '../config/polyport-config.js';
import type { FaultRules } from '../faults/fault-book.js';
import type { Logger } from '../logger.js';
import type { StatusDocument } from '../status-page.js';
import type { TlsMaterial } from '../tls-material.js';

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
  /** The host's capture of every service's events (the admin API reads it). */
  readonly capture: EventHub;
  /**
   * Brings the capture up to date with events recorded in other processes (a `serve --workers`
   * fleet's), before the API reads it; absent when every event is recorded here.
   */
  readonly catchUp?: () => Promise<void>;
  /** The host's fault rules (the admin API adds, lists and removes them). */
  readonly faults: FaultRules;
  /**
   * Whether every listener shares its port with other processes (SO_REUSEPORT): the workers of
   * `serve --workers`, among which the kernel spreads connections and datagrams.
   */
  readonly reusePort: boolean;
  /** The TLS material, made or loaded on first use. */
  tls(): Promise<TlsMaterial>;
  /** A value shared by the services of one start (the mail store SMTP and POP3 share, say). */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** The host's status, rendered now, for the admin listener. */
  readonly status: HostStatusView;
}

/** What the admin listener shows of a host: its own, or a fleet's with every worker added up. */
export interface HostStatusView {
  html(): string;
  metrics(): Promise<string>;
  json(): StatusDocument;
  /** Whether every configured service listens and the host is not reloading or stopping. */
  ready(): boolean;
}

/**
 * Starts one service from the whole config, or returns null when its config disables it (a
 * `ServiceModule`'s `start` is this with its own table handed to it).
 */
export type ServiceStarter = (context: StartContext) => Promise<RunningService | null>;

/** The limits a protocol server takes, from a service's `limits` table. */
export function limitsOf(limits: ServerLimits): ServerLimits {
  return {
    maxConnections: limits.maxConnections,
    maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
    idleTimeout: limits.idleTimeout,
    readTimeout: limits.readTimeout,
    maxRequestSize: limits.maxRequestSize,
    handshakeTimeout: limits.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT,
    writeTimeout: limits.writeTimeout ?? DEFAULT_WRITE_TIMEOUT,
    maxPendingOutput: limits.maxPendingOutput ?? DEFAULT_MAX_PENDING_OUTPUT,
  };
}

/**
 * The PROXY protocol a service's TCP listener takes, from its `proxyProtocol` keys.
 * @returns the balancers allowed to send a header, or `undefined` when the service is not
 *   behind one.
 */
export function proxyProtocolOf(table: ServiceConfig): ProxyProtocolOptions | undefined {
  if (!table.proxyProtocol) return undefined;
  const balancers = new AddressList(table.proxyProtocolFrom);
  return { allowed: (host) => balancers.includes(host) };
}

/** The options every protocol server takes, from the service's config table. */
export function serverOptions(context: StartContext, name: string, table: ServiceConfig) {
  return {
    address: [table.address, table.port] as const,
    limits: limitsOf(table.limits),
    proxyProtocol: proxyProtocolOf(table),
    reusePort: context.reusePort,
    observer: context.observer(name, name),
    map: context.map,
    clock: context.clock,
  };
}

/**
 * Describes a started service for the listing.
 * @param ports the bound port per transport (absent: that transport is not served).
 */
export function running(
  name: string,
  address: string,
  ports: { readonly tcp?: number | undefined; readonly udp?: number | undefined },
  close: () => void,
): RunningService {
  const listeners: ListenerInfo[] = [];
  if (ports.tcp !== undefined)
    listeners.push({ protocol: name, transport: 'tcp', address, port: ports.tcp });
  if (ports.udp !== undefined)
    listeners.push({ protocol: name, transport: 'udp', address, port: ports.udp });
  return { name, listeners, close };
}
