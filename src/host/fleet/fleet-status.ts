/**
 * The status of a `serve --workers` fleet as one host's: every worker's counters added up per
 * service, the listeners once (every worker has the same), and the workers' own table. Its
 * metrics keep each worker's series apart (label `worker`), as Prometheus users expect to sum
 * them themselves.
 */
import { AggregatorRegistry } from 'prom-client';
import type { MetricsJson } from '../metrics.js';
import { ServiceStats } from '../service-stats.js';
import type { StatusSnapshot, WorkerStatus } from '../status-page.js';

/** The counters of {@link ServiceStats} that add up across processes. */
const COUNTERS = [
  'connectionsNow',
  'connectionsTotal',
  'connectionsRefused',
  'bytesIn',
  'bytesOut',
  'udpBytesIn',
  'udpBytesOut',
  'requests',
  'errors',
  'uncaughtErrors',
] as const satisfies readonly (keyof ServiceStats)[];

/**
 * One snapshot of the whole fleet.
 * @param main the main process's own (its admin listener's counters and listeners).
 * @param workers each worker's latest snapshot (null before its first), in worker order.
 * @param table the workers' rows.
 * @returns the snapshot the status page and `/metrics` render.
 * @example fleetSnapshot(host.snapshot(), [w1, w2], rows).services.find((s) => s.name === 'http')?.requests;
 */
export function fleetSnapshot(
  main: StatusSnapshot,
  workers: readonly (StatusSnapshot | null)[],
  table: readonly WorkerStatus[],
): StatusSnapshot {
  const services = new Map<string, ServiceStats>();
  const add = (s: ServiceStats): void => {
    let sum = services.get(s.name);
    if (sum === undefined) {
      sum = new ServiceStats(s.name, s.protocol);
      services.set(s.name, sum);
    }
    for (const counter of COUNTERS) sum[counter] += s[counter];
  };
  const known = workers.filter((w): w is StatusSnapshot => w !== null);
  for (const snapshot of [main, ...known]) for (const s of snapshot.services) add(s);
  const first = known[0];
  return {
    ...main,
    services: [...services.values()],
    listeners: [...main.listeners, ...(first?.listeners ?? [])],
    // The workers run the services, and so the fast paths that count.
    accelerators: first?.accelerators ?? main.accelerators,
    uncaughtErrors: known.reduce(
      (sum, w) => sum + (w.uncaughtErrors ?? 0),
      main.uncaughtErrors ?? 0,
    ),
    workers: table,
  };
}

/**
 * Every process's metrics in one Prometheus text: series of the same name side by side, each
 * labelled with its `worker` (`main` for the main process).
 * @param parts each process's metrics as data, its `worker` label already added.
 * @returns the exposition text.
 * @example await fleetMetrics([await host.metricsJson({ worker: 'main' }), fromWorker1]);
 */
export function fleetMetrics(parts: readonly MetricsJson[]): Promise<string> {
  return AggregatorRegistry.aggregate([...parts]).metrics();
}
