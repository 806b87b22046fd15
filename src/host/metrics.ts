/**
 * The host's Prometheus registry: the service counters as `polyport_*` metrics, read from
 * `ServiceStats` when scraped; a request-duration histogram per service; and the process's
 * `process_*` and `nodejs_*` metrics from prom-client's default collectors.
 */
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type Metric,
  Registry,
} from 'prom-client';
import type { ServiceStats } from './service-stats.js';
import type { StatusSnapshot } from './status-page.js';

/**
 * The upper bounds, in seconds, of `polyport_request_duration_seconds`: from one millisecond (the
 * clock's resolution; a request on loopback) to a minute (a large FTP transfer).
 */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Where a service's observer puts each request's duration (the service's histogram child). */
export interface DurationRecorder {
  /** Counts one request that took `seconds`. */
  observe(seconds: number): void;
}

/** A transport a service moves bytes over, the `transport` label. */
type Transport = 'tcp' | 'udp';

/**
 * The transports a service has series for: those it listens on now, and any it moved bytes
 * over (a service a reload stopped keeps its counters).
 */
function transportsOf(snapshot: StatusSnapshot, s: ServiceStats): Transport[] {
  const listening = snapshot.listeners.filter((l) => l.service === s.name).map((l) => l.transport);
  const out: Transport[] = [];
  if (listening.includes('tcp') || s.bytesIn + s.bytesOut > s.udpBytesIn + s.udpBytesOut) {
    out.push('tcp');
  }
  if (listening.includes('udp') || s.udpBytesIn + s.udpBytesOut > 0) out.push('udp');
  return out;
}

/** Bytes one way over one transport: what is not UDP is TCP (see `ServiceStats.udpBytesIn`). */
function bytesOver(transport: Transport, total: number, udp: number): number {
  return transport === 'udp' ? udp : total - udp;
}

let processMetrics: Metric[] | null = null;

/**
 * The default collectors, made once per process: each `collectDefaultMetrics()` call starts its
 * own event-loop-delay monitor and GC observer that nothing stops, and what they measure is the
 * process's, whichever host shows it. Every host's registry registers these same objects.
 */
function defaultMetrics(): Metric[] {
  if (processMetrics === null) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    processMetrics = registry
      .getMetricsAsArray()
      .flatMap((m) => registry.getSingleMetric(m.name) ?? []);
  }
  return processMetrics;
}

/** A registry's metrics as data (prom-client's `getMetricsAsJSON()`). */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/**
 * One host's Prometheus metrics, in a registry of its own (never prom-client's global one), so
 * that hosts in one process do not collide. The counters stay plain numbers on the observer's
 * path and are read here only when scraped; the histogram is fed per request through the
 * child {@link HostMetrics.durations} hands each service.
 *
 * @example
 * const metrics = new HostMetrics(() => host.snapshot());
 * const observer = serviceObserver(stats, logger, { durations: metrics.durations('http') });
 * response.send(await metrics.render());
 */
export class HostMetrics {
  /** The registry `/metrics` renders; register more metrics in it to serve them there too. */
  readonly registry = new Registry();
  readonly #durations: Histogram<'service'>;
  readonly #children = new Map<string, DurationRecorder>();

  /**
   * @param snapshot the host's counters and facts now, asked at each scrape.
   */
  constructor(snapshot: () => StatusSnapshot) {
    const registers = [this.registry];
    const services = () => snapshot().services;
    const perService = (
      name: string,
      help: string,
      value: (s: ServiceStats) => number,
    ): Counter<'service'> =>
      new Counter({
        name,
        help,
        labelNames: ['service'],
        registers,
        collect() {
          this.reset();
          for (const s of services()) this.inc({ service: s.name }, value(s));
        },
      });
    const perTransport = (
      name: string,
      help: string,
      value: (transport: Transport, s: ServiceStats) => number,
    ): Counter<'service' | 'transport'> =>
      new Counter({
        name,
        help,
        labelNames: ['service', 'transport'],
        registers,
        collect() {
          this.reset();
          const now = snapshot();
          for (const s of now.services) {
            for (const transport of transportsOf(now, s)) {
              this.inc({ service: s.name, transport }, value(transport, s));
            }
          }
        },
      });

    new Gauge({
      name: 'polyport_open_connections',
      help: 'Connections open now (UDP has none: its series exist only for TCP).',
      labelNames: ['service', 'transport'],
      registers,
      collect() {
        this.reset();
        const now = snapshot();
        for (const s of now.services) {
          if (transportsOf(now, s).includes('tcp')) {
            this.set({ service: s.name, transport: 'tcp' }, s.connectionsNow);
          }
        }
      },
    });
    perService('polyport_connections_total', 'Connections accepted.', (s) => s.connectionsTotal);
    perService(
      'polyport_connections_refused_total',
      'Connections refused for a limit (in total, or from one address).',
      (s) => s.connectionsRefused,
    );
    perTransport(
      'polyport_received_bytes_total',
      'Bytes received: TCP connections (FTP data connections too) and UDP datagrams.',
      (t, s) => bytesOver(t, s.bytesIn, s.udpBytesIn),
    );
    perTransport(
      'polyport_sent_bytes_total',
      'Bytes sent: TCP connections (FTP data connections too) and UDP datagrams.',
      (t, s) => bytesOver(t, s.bytesOut, s.udpBytesOut),
    );
    perService(
      'polyport_requests_total',
      'Requests, commands, queries or datagrams answered.',
      (s) => s.requests,
    );
    perService(
      'polyport_errors_total',
      'Errors of one connection or datagram (the service went on).',
      (s) => s.errors,
    );
    new Counter({
      name: 'polyport_uncaught_errors_total',
      help: 'Exceptions that escaped their code (a bug): each closed its connection, or was caught by the process-wide safety net; serving went on.',
      registers,
      collect() {
        const now = snapshot();
        this.reset();
        this.inc(now.services.reduce((sum, s) => sum + s.uncaughtErrors, now.uncaughtErrors ?? 0));
      },
    });
    new Gauge({
      name: 'polyport_build_info',
      help: 'Always 1: the polyport version and the Node.js that runs it, as labels.',
      labelNames: ['version', 'node'],
      registers,
      collect() {
        const now = snapshot();
        this.reset();
        this.set({ version: now.version, node: now.node }, 1);
      },
    });
    new Gauge({
      name: 'polyport_accelerator_active',
      help: 'Whether a fast path on Node internals runs (1) or not (0).',
      labelNames: ['name'],
      registers,
      collect() {
        this.reset();
        for (const a of snapshot().accelerators) this.set({ name: a.name }, a.active ? 1 : 0);
      },
    });
    new Gauge({
      name: 'polyport_start_time_seconds',
      help: 'When the host started, in seconds since the Unix epoch.',
      registers,
      collect() {
        this.set(snapshot().startedAt / 1000);
      },
    });
    this.#durations = new Histogram({
      name: 'polyport_request_duration_seconds',
      help: 'How long requests took, from the request to the end of the answer: HTTP requests, FTP transfers and DNS queries forwarded upstream.',
      labelNames: ['service'],
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    });
    for (const metric of defaultMetrics()) this.registry.registerMetric(metric);
  }

  /**
   * The histogram child of one service, made once: a request then costs one `observe()`, no
   * label lookup of ours.
   * @param service the service's name (the `service` label).
   * @returns what its observer feeds each request's duration to.
   * @example serviceObserver(stats, logger, { durations: metrics.durations('ftp') });
   */
  durations(service: string): DurationRecorder {
    let child = this.#children.get(service);
    if (child === undefined) {
      // Not zeroed: most services never time a request (echo, daytime, …), and 17 lines of
      // zeros each would bury the rest. A series appears with the service's first one.
      child = this.#durations.labels(service);
      this.#children.set(service, child);
    }
    return child;
  }

  /**
   * The metrics in the Prometheus text format, read now.
   * @returns the exposition text (its media type is {@link HostMetrics.contentType}).
   * @example response.send(await metrics.render());
   */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * The metrics as data, read now, each series with `labels` added: what a worker of
   * `serve --workers` sends its main process, which merges every worker's into one `/metrics`.
   * @param labels labels every series gets (`{ worker: '2' }`).
   * @returns prom-client's JSON form of the registry.
   * @example await metrics.json({ worker: '1' });
   */
  async json(labels: Readonly<Record<string, string>> = {}): Promise<MetricsJson> {
    const metrics = await this.registry.getMetricsAsJSON();
    return metrics.map((metric) => ({
      ...metric,
      values: metric.values.map((value) => ({
        ...value,
        labels: { ...value.labels, ...labels },
      })),
    }));
  }

  /** The media type of {@link HostMetrics.render}'s text, for `Content-Type`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
