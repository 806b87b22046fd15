/**
 * The host's status in Medusa's tradition: an HTML page for people and a JSON document for
 * machines, both rendered from the service counters (pure functions). The Prometheus text is
 * `metrics.ts`'s.
 */

import { formatBytes } from '../protocols/common/index.js';
import { type AcceleratorStatus, formatAddress } from '../socket/index.js';
import type { ServiceStats } from './service-stats.js';
import type { ListenerInfo } from './starters/start-context.js';

/** What the status renderers and the metrics read. */
export interface StatusSnapshot {
  readonly version: string;
  /** The running Node's version (`v24.22.3`). */
  readonly node: string;
  readonly startedAt: number;
  readonly now: number;
  readonly services: readonly ServiceStats[];
  /** Every listener open now, each with the name of the service it belongs to. */
  readonly listeners: readonly (ListenerInfo & { readonly service: string })[];
  /** Which fast paths on Node internals run, and why the others do not. */
  readonly accelerators: readonly AcceleratorStatus[];
  /**
   * Exceptions the host's process-wide safety net caught (those no connection could be blamed
   * for); the services' own `uncaughtErrors` are added to it for the metric.
   */
  readonly uncaughtErrors?: number;
  /** The worker processes, when `serve --workers` runs several (their counters are added up). */
  readonly workers?: readonly WorkerStatus[];
}

/** One worker process of `serve --workers`, as the main process sees it. */
export interface WorkerStatus {
  /** 1, 2, …: the `worker` label of its metrics and log lines. */
  readonly id: number;
  /** Its process id now (a restarted worker has a new one). */
  readonly pid: number;
  /** Whether it listens on every port. */
  readonly ready: boolean;
  /** When its current process started, in milliseconds since the epoch. */
  readonly startedAt: number;
  /** How often it died and was started again. */
  readonly restarts: number;
  /** Its connections open now and requests so far (this process's), all services together. */
  readonly connectionsNow: number;
  readonly requests: number;
}

/**
 * The accelerators as one line for people: `slab_reads on, batched_datagrams off (reason)`.
 * @param accelerators what `acceleratorStatus()` reported.
 * @returns the line's text, without a newline.
 * @example describeAccelerators(acceleratorStatus());
 */
export function describeAccelerators(accelerators: readonly AcceleratorStatus[]): string {
  return accelerators
    .map((a) => (a.active ? `${a.name} on` : `${a.name} off (${a.reason})`))
    .join(', ');
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A byte count in binary units for people, the exact count on hover. */
const bytes = (n: number): string => `<td title="${n}">${formatBytes(n)}</td>`;

/** Where a service listens, for people: `127.0.0.1:10053 tcp+udp`, `-` once stopped. */
function listening(snapshot: StatusSnapshot, service: string): string {
  const mine = snapshot.listeners.filter((l) => l.service === service);
  const ends = [...new Set(mine.map((l) => formatAddress([l.address, l.port])))];
  if (ends.length === 0) return '-';
  return `${ends.join(', ')} ${[...new Set(mine.map((l) => l.transport))].join('+')}`;
}

/**
 * Renders the status page.
 * @param snapshot the counters and the host's facts.
 * @returns the HTML document.
 * @example response.send(renderStatusHtml(host.snapshot()));
 */
export function renderStatusHtml(snapshot: StatusSnapshot): string {
  const uptime = formatDuration(snapshot.now - snapshot.startedAt);
  // The web UI's address in full: this page is also the site's /server-status, on another port.
  const admin = snapshot.listeners.find((l) => l.service === 'admin' && l.transport === 'tcp');
  const ui = admin
    ? ` <a href="http://${escapeHtml(formatAddress([admin.address, admin.port]))}/">Web UI</a>`
    : '';
  const rows = snapshot.services
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(listening(snapshot, s.name))}</td><td>${s.connectionsNow}</td><td>${s.connectionsTotal}</td><td>${s.connectionsRefused}</td><td>${s.requests}</td>${bytes(s.bytesIn)}${bytes(s.bytesOut)}<td>${s.errors}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>polyport status</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem;text-align:right}td:nth-child(-n+2),th:nth-child(-n+2){text-align:left}</style>
</head><body>
<h1>polyport ${escapeHtml(snapshot.version)}</h1>
<p>Up ${uptime}, since ${new Date(snapshot.startedAt).toISOString()}, on Node.js ${escapeHtml(snapshot.node)}. <a href="/metrics">Prometheus metrics</a>${ui}</p>
<p>Accelerators: ${escapeHtml(describeAccelerators(snapshot.accelerators))}</p>
${workersTable(snapshot.workers)}<table>
<tr><th>service</th><th>listening on</th><th>connections now</th><th>connections total</th><th>refused</th><th>requests</th><th>bytes in</th><th>bytes out</th><th>errors</th></tr>
${rows}
</table>
</body></html>
`;
}

/** One listener of a service in {@link StatusDocument}. */
/** The workers' table of the status page, or nothing when one process serves. */
function workersTable(workers: readonly WorkerStatus[] | undefined): string {
  if (workers === undefined) return '';
  const rows = workers
    .map(
      (w) =>
        `<tr><td>${w.id}</td><td>${w.pid}</td><td>${w.ready ? 'ready' : 'starting'}</td><td>${new Date(w.startedAt).toISOString()}</td><td>${w.restarts}</td><td>${w.connectionsNow}</td><td>${w.requests}</td></tr>`,
    )
    .join('\n');
  return `<p>${workers.length} worker processes; each row of the services below adds up all of them.</p>
<table>
<tr><th>worker</th><th>pid</th><th>state</th><th>started</th><th>restarts</th><th>connections now</th><th>requests</th></tr>
${rows}
</table>
<p></p>
`;
}

export interface ListenerStatus {
  readonly transport: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
}

/** One service in {@link StatusDocument}: where it listens and its counters since the start. */
export interface ServiceStatus {
  /** The service's table name (`http`, `smtp`, `dns`). */
  readonly name: string;
  readonly protocol: string;
  /** Where it listens now (a TCP and a UDP one for `tcp+udp`); empty once it was stopped. */
  readonly listeners: readonly ListenerStatus[];
  readonly connections: {
    /** Open now. */
    readonly open: number;
    /** Accepted since the start. */
    readonly total: number;
    /** Refused for a limit. */
    readonly refused: number;
  };
  /** Requests, commands, queries or datagrams answered. */
  readonly requests: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly errors: number;
  /** Exceptions that escaped a connection's code (a bug); each closed its connection. */
  readonly uncaughtErrors: number;
}

/**
 * `/status.json`: what the status page shows, for programs. The shape is stable: fields may be
 * added, none is renamed or removed.
 */
export interface StatusDocument {
  readonly version: string;
  /** The running Node's version (`v24.22.3`). */
  readonly node: string;
  /** When the host started, ISO 8601 in UTC. */
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly accelerators: readonly AcceleratorStatus[];
  /** Exceptions the process-wide safety net caught (the services' own are in theirs). */
  readonly uncaughtErrors: number;
  /** Every service that ran since the start, in start-up order. */
  readonly services: readonly ServiceStatus[];
  /** Present when `serve --workers` runs several processes. */
  readonly workers?: readonly WorkerStatus[];
}

/**
 * The status as a JSON-ready document (see {@link StatusDocument}).
 * @param snapshot the counters and the host's facts.
 * @returns the document; `JSON.stringify` it to serve it.
 * @example response.send(JSON.stringify(renderStatusJson(host.snapshot())));
 */
export function renderStatusJson(snapshot: StatusSnapshot): StatusDocument {
  return {
    version: snapshot.version,
    node: snapshot.node,
    startedAt: new Date(snapshot.startedAt).toISOString(),
    uptimeSeconds: Math.floor((snapshot.now - snapshot.startedAt) / 1000),
    accelerators: snapshot.accelerators.map(({ name, active, reason }) => ({
      name,
      active,
      reason,
    })),
    uncaughtErrors: snapshot.uncaughtErrors ?? 0,
    services: snapshot.services.map((s) => ({
      name: s.name,
      protocol: s.protocol,
      listeners: snapshot.listeners
        .filter((l) => l.service === s.name)
        .map(({ transport, address, port }) => ({ transport, address, port })),
      connections: {
        open: s.connectionsNow,
        total: s.connectionsTotal,
        refused: s.connectionsRefused,
      },
      requests: s.requests,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      errors: s.errors,
      uncaughtErrors: s.uncaughtErrors,
    })),
    ...(snapshot.workers !== undefined ? { workers: snapshot.workers } : {}),
  };
}

function formatDuration(ms: number): string {
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  s %= 86400;
  const h = Math.floor(s / 3600);
  s %= 3600;
  const m = Math.floor(s / 60);
  s %= 60;
  return `${d ? `${d}d ` : ''}${h}h ${m}m ${s}s`;
}
