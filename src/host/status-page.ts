/**
 * The host's status in Medusa's tradition: an HTML page for people and Prometheus text for
 * machines, both rendered from the service counters (pure functions).
 */
import type { ServiceStats } from './service-stats.js';

/** What the status renderers need. */
export interface StatusSnapshot {
  readonly version: string;
  readonly startedAt: number;
  readonly now: number;
  readonly services: readonly ServiceStats[];
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders the status page. */
export function renderStatusHtml(snapshot: StatusSnapshot): string {
  const uptime = formatDuration(snapshot.now - snapshot.startedAt);
  const rows = snapshot.services
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.protocol)}</td><td>${s.connectionsNow}</td><td>${s.connectionsTotal}</td><td>${s.connectionsRefused}</td><td>${s.requests}</td><td>${s.bytesIn}</td><td>${s.bytesOut}</td><td>${s.errors}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>polyport status</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>polyport ${escapeHtml(snapshot.version)}</h1>
<p>Up ${uptime}, since ${new Date(snapshot.startedAt).toISOString()}. <a href="/metrics">Prometheus metrics</a></p>
<table>
<tr><th>service</th><th>protocol</th><th>connections now</th><th>connections total</th><th>refused</th><th>requests</th><th>bytes in</th><th>bytes out</th><th>errors</th></tr>
${rows}
</table>
</body></html>
`;
}

/** Renders the counters in the Prometheus text exposition format. */
export function renderMetrics(snapshot: StatusSnapshot): string {
  const lines: string[] = [
    '# HELP polyport_uptime_seconds Seconds since the host started.',
    '# TYPE polyport_uptime_seconds gauge',
    `polyport_uptime_seconds ${((snapshot.now - snapshot.startedAt) / 1000).toFixed(3)}`,
  ];
  const metric = (
    name: string,
    type: string,
    help: string,
    value: (s: ServiceStats) => number,
  ): void => {
    lines.push(`# HELP polyport_${name} ${help}`, `# TYPE polyport_${name} ${type}`);
    for (const s of snapshot.services)
      lines.push(`polyport_${name}{service="${s.name}",protocol="${s.protocol}"} ${value(s)}`);
  };
  metric('connections', 'gauge', 'Connections open now.', (s) => s.connectionsNow);
  metric('connections_total', 'counter', 'Connections accepted.', (s) => s.connectionsTotal);
  metric(
    'connections_refused_total',
    'counter',
    'Connections refused for a limit.',
    (s) => s.connectionsRefused,
  );
  metric(
    'requests_total',
    'counter',
    'Requests, commands, queries or datagrams answered.',
    (s) => s.requests,
  );
  metric('bytes_received_total', 'counter', 'Bytes received.', (s) => s.bytesIn);
  metric('bytes_sent_total', 'counter', 'Bytes sent.', (s) => s.bytesOut);
  metric('errors_total', 'counter', 'Errors.', (s) => s.errors);
  return `${lines.join('\n')}\n`;
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
