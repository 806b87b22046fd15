/**
 * `serve()`: many services in one process, on one event loop, Medusa-style.
 */
import { join, resolve } from 'node:path';
import { closeAll, loop, type SocketMap } from '../dispatch/index.js';
import { type Clock, systemClock } from '../server/clock.js';
import { acceleratorStatus, prepareAccelerators, SocketError } from '../socket/index.js';
import type { CapturedEvent } from './capture/captured-event.js';
import {
  EventHub,
  type EventStream,
  type EventStreamOptions,
  type WaitForOptions,
} from './capture/event-hub.js';
import { checkCredentialsPolicy, type PolyportConfig, serviceTable } from './config/index.js';
import { prepareDataDir, type SampleTree } from './data-dir.js';
import { FaultBook, type FaultRules } from './faults/fault-book.js';
import { createLogger, flushLogs, type Logger } from './logger.js';
import { HostMetrics, type MetricsJson } from './metrics.js';
import { installSafetyNet } from './safety-net.js';
import type { ServiceModule } from './service-module.js';
import { ServiceStats, serviceObserver } from './service-stats.js';
import { SERVICE_MODULES } from './services/index.js';
import type {
  HostStatusView,
  ListenerInfo,
  RunningService,
  StartContext,
} from './starters/start-context.js';
import {
  renderStatusHtml,
  renderStatusJson,
  type StatusDocument,
  type StatusSnapshot,
} from './status-page.js';
import { loadTlsMaterial, type TlsMaterial } from './tls-material.js';
import { VERSION } from './version.js';

/** Why the host would not start: a bad config, a port in use, a refused policy. */
export class HostStartError extends Error {
  override name = 'HostStartError';
}

/** Options for {@link serve}. */
export interface ServeOptions {
  /** The effective config (from `loadConfig()`/`effectiveConfig()`). */
  readonly config: PolyportConfig;
  /** The logger (default: one made from `config.log`). */
  readonly logger?: Logger;
  readonly clock?: Clock;
  /**
   * The services to run, in start-up order (default: `SERVICE_MODULES`, every built-in one);
   * the config must have been built with the same list.
   */
  readonly services?: readonly ServiceModule[];
  /** This process's part when it is one of several (`serve --workers`); absent: it is alone. */
  readonly role?: HostRole;
}

/**
 * What a host shares when it is one process of a `serve --workers` fleet: a worker shares its
 * ports; the main process, which runs the admin listener only, shows the fleet's capture, fault
 * rules and status instead of its own.
 */
export interface HostRole {
  /** Every listener shares its port with the other workers' (SO_REUSEPORT). */
  readonly reusePort?: boolean;
  /** The capture the host records into and the admin API reads. */
  readonly capture?: EventHub;
  /** Brings that capture up to date before the API reads it (a fleet's: from its workers). */
  readonly catchUp?: () => Promise<void>;
  /** The rules the admin API manages. */
  readonly faults?: FaultRules;
  /** What the admin listener shows. */
  readonly status?: HostStatusView;
}

/**
 * A running host: its services, their counters, and how to stop or reload it.
 */
export class Host {
  readonly map: SocketMap = new Map();
  readonly startedAt: number;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The services this host can run, in start-up order. */
  readonly modules: readonly ServiceModule[];
  /**
   * What every service did, captured: `capture.events` per service, a live feed and
   * `waitFor()` (also at `host.events()` and `host.waitFor()`).
   */
  readonly capture: EventHub;
  /**
   * The fault rules in force: `host.faults.add({ service, match, action, times })` breaks a
   * service's steps on purpose; each fault injected is a `fault` event in the capture.
   */
  readonly faults: FaultBook;
  /** The ids of the rules that came from the config's `[[faults]]`: a reload replaces them. */
  #configFaults: string[] = [];
  readonly #role: HostRole;
  #config: PolyportConfig;
  #services: RunningService[] = [];
  readonly #stats = new Map<string, ServiceStats>();
  readonly #metrics = new HostMetrics(() => this.snapshot());
  #tls: Promise<TlsMaterial> | null = null;
  #loop: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | null = null;
  #ready = false;
  #uncaught = 0;
  #removeSafetyNet: (() => void) | null = null;

  constructor(
    config: PolyportConfig,
    logger: Logger,
    clock: Clock,
    modules: readonly ServiceModule[] = SERVICE_MODULES,
    role: HostRole = {},
  ) {
    this.#config = config;
    this.modules = modules;
    this.logger = logger;
    this.clock = clock;
    this.#role = role;
    this.startedAt = clock.now();
    this.capture = role.capture ?? new EventHub(config.capture.events, () => clock.now());
    this.faults = new FaultBook(
      modules.map((m) => m.name),
      (rule, facts) => {
        const { peer, ...step } = facts;
        this.capture.record(rule.service, 'fault', peer, {
          rule: rule.id,
          ...step,
          action: rule.action,
        });
      },
    );
  }

  /**
   * A live feed of every service's events from now on, for `for await`.
   * @example for await (const event of host.events()) console.log(event.service, event.kind);
   */
  events(options?: EventStreamOptions): EventStream {
    return this.capture.events(options);
  }

  /**
   * The newest event that matches, captured already or to come (see `EventHub.waitFor`).
   * @example
   * const query = await host.waitFor((e) => e.service === 'dns' && e.name === 'a.test');
   */
  waitFor(
    predicate: (event: CapturedEvent) => boolean,
    options?: WaitForOptions,
  ): Promise<CapturedEvent> {
    return this.capture.waitFor(predicate, options);
  }

  /** The config in force. */
  get config(): PolyportConfig {
    return this.#config;
  }

  /** Every listener of every running service, for the start-up listing. */
  get listeners(): Array<ListenerInfo & { service: string }> {
    return this.#services.flatMap((s) => s.listeners.map((l) => ({ service: s.name, ...l })));
  }

  /**
   * Whether every configured service is listening and the host is not reloading or stopping:
   * what the admin listener's `/readyz` answers.
   */
  get ready(): boolean {
    return this.#ready;
  }

  /** A snapshot of the counters, for the status page and `/metrics`. */
  snapshot(): StatusSnapshot {
    return {
      version: VERSION,
      node: process.version,
      startedAt: this.startedAt,
      now: this.clock.now(),
      services: [...this.#stats.values()],
      listeners: this.listeners,
      accelerators: acceleratorStatus(),
      uncaughtErrors: this.#uncaught,
    };
  }

  /** The status page. */
  statusHtml(): string {
    return renderStatusHtml(this.snapshot());
  }

  /**
   * The Prometheus text `/metrics` serves: the services' counters, request durations, and the
   * process's own metrics.
   * @example console.log(await host.metrics());
   */
  metrics(): Promise<string> {
    return this.#metrics.render();
  }

  /**
   * The metrics as data, each series with `labels` added (a fleet's worker sends them to the
   * main process, which merges them).
   * @example await host.metricsJson({ worker: '1' });
   */
  metricsJson(labels?: Readonly<Record<string, string>>): Promise<MetricsJson> {
    return this.#metrics.json(labels);
  }

  /** The status page's data, as `/status.json` serves it. */
  statusJson(): StatusDocument {
    return renderStatusJson(this.snapshot());
  }

  /** Resolves when the loop has ended (after `stop()`). */
  get done(): Promise<void> {
    return this.#loop;
  }

  /** @internal Starts every enabled service and the loop. */
  async start(): Promise<void> {
    const policy = checkCredentialsPolicy(this.#config, this.modules);
    if (!policy.ok) throw new HostStartError(policy.reason);
    await prepareDataDir(
      this.#config.dataDir,
      sampleTrees(this.#config, this.modules),
      samplePorts(this.#config),
    );
    // Self-tested before the first listener opens, so the first connection gets the fast paths.
    await prepareAccelerators();
    // In force from the first connection on.
    this.#addConfigFaults(this.#config);
    try {
      this.#services = await this.#startAll(this.#config);
    } catch (err) {
      for (const service of this.#services) service.close();
      closeAll(this.map, true);
      throw err;
    }
    this.#ready = true;
    this.#removeSafetyNet = installSafetyNet((kind, err) => {
      this.#uncaught++;
      this.logger.error({ err, kind }, 'uncaught error: logged and counted, serving goes on');
      // Written now, not with the turn's batch: a process in this state may not live to write it.
      flushLogs();
    });
    this.#loop = loop({ map: this.map, timeout: 30 });
    this.#loop.catch((err: unknown) => this.logger.error({ err }, 'loop failed'));
  }

  async #startAll(config: PolyportConfig): Promise<RunningService[]> {
    const context = this.#context(config);
    const started: RunningService[] = [];
    try {
      for (const module of this.modules) {
        const table = serviceTable(config, module);
        // Not in this config: it was built without the module, so there is nothing to start.
        if (table === undefined) continue;
        try {
          const service = await module.start(context, table);
          if (service !== null) started.push(service);
        } catch (err) {
          throw describeStartFailure(module.name, table, err);
        }
      }
    } catch (err) {
      for (const service of started) service.close();
      throw err;
    }
    return started;
  }

  #context(config: PolyportConfig): StartContext {
    const shared = new Map<string, Promise<unknown>>();
    return {
      status: this.#role.status ?? {
        html: () => this.statusHtml(),
        metrics: () => this.metrics(),
        json: () => this.statusJson(),
        ready: () => this.#ready,
      },
      reusePort: this.#role.reusePort ?? false,
      shared: <T>(key: string, make: () => Promise<T>): Promise<T> => {
        let value = shared.get(key) as Promise<T> | undefined;
        if (value === undefined) {
          value = make();
          shared.set(key, value);
        }
        return value;
      },
      config,
      capture: this.capture,
      ...(this.#role.catchUp !== undefined ? { catchUp: this.#role.catchUp } : {}),
      faults: this.#role.faults ?? this.faults,
      map: this.map,
      clock: this.clock,
      logger: this.logger,
      observer: (service, protocol) => {
        let stats = this.#stats.get(service);
        if (stats === undefined) {
          stats = new ServiceStats(service, protocol);
          this.#stats.set(service, stats);
        }
        // As dnsmasq: queries are counted, and logged only when asked (`dns.logQueries`).
        // The admin listener's requests (the web UI polls it, probes ask it) are counted and
        // captured, not logged: an open UI would otherwise fill the log.
        const logRequests =
          service === 'dns' ? config.dns?.logQueries === true : service !== 'admin';
        return serviceObserver(stats, this.logger.child({ service }), {
          logRequests,
          capture: this.capture,
          faults: this.faults,
          durations: this.#metrics.durations(service),
        });
      },
      tls: () => {
        this.#tls ??= loadTlsMaterial(
          config.dataDir,
          config.tls,
          listenHosts(config, this.modules),
        );
        return this.#tls;
      },
    };
  }

  /**
   * Stops accepting, lets connections in flight finish for up to `graceMs`, then closes the rest.
   * @returns a promise that settles once everything is closed.
   */
  stop(graceMs = 10_000): Promise<void> {
    // Before anything closes: connections kept open to the admin port see 503 from `/readyz`.
    this.#ready = false;
    this.#stopping ??= (async () => {
      for (const service of this.#services) service.close();
      this.#services = [];
      const grace = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.#loop.finally(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await grace;
      closeAll(this.map, true);
      await this.#loop.catch(() => {});
      this.#removeSafetyNet?.();
      this.#removeSafetyNet = null;
    })();
    return this.#stopping;
  }

  /**
   * Puts the config's `[[faults]]` in force in place of the ones the previous config brought
   * (with fresh counts); the rules added through the admin API or in code stay.
   */
  #addConfigFaults(config: PolyportConfig): void {
    for (const id of this.#configFaults) this.faults.remove(id);
    this.#configFaults = config.faults.map((rule) => this.faults.add(rule).id);
  }

  /**
   * Applies a new config (SIGHUP): services are restarted with it; on failure the old ones keep
   * running and the error is thrown. Its `[[faults]]` replace the old config's; rules added
   * through the admin API or in code stay.
   */
  async reload(config: PolyportConfig): Promise<void> {
    const policy = checkCredentialsPolicy(config, this.modules);
    if (!policy.ok) throw new HostStartError(policy.reason);
    // Listeners must be released before the new ones can bind the same ports.
    this.#ready = false;
    for (const service of this.#services) service.close();
    this.#tls = null;
    try {
      this.#services = await this.#startAll(config);
      this.#config = config;
      this.#addConfigFaults(config);
    } catch (err) {
      this.#services = await this.#startAll(this.#config);
      this.#ready = this.#stopping === null;
      throw err;
    }
    this.#ready = this.#stopping === null;
    if (this.map.size > 0) {
      this.#loop = loop({ map: this.map, timeout: 30 });
      this.#loop.catch((err: unknown) => this.logger.error({ err }, 'loop failed'));
    }
  }
}

/** The ports the sample content names; a port 0 (picked at start) shows the default. */
function samplePorts(config: PolyportConfig): Record<string, string> {
  const { http, admin, portOffset } = config;
  return {
    HTTP_PORT: String(http.port === 0 ? 80 + portOffset : http.port),
    ADMIN_PORT: String(admin.port === 0 ? 1 + portOffset : admin.port),
  };
}

/** The sample trees of the services that are on and serve them (HTTP and HTTPS share www). */
function sampleTrees(config: PolyportConfig, modules: readonly ServiceModule[]): SampleTree[] {
  const trees = new Map<string, string>();
  for (const module of modules) {
    const table = serviceTable(config, module);
    if (module.sampleTree === undefined || table?.enabled !== true) continue;
    // A root elsewhere is the user's own content: nothing is copied there.
    const root = (table as { readonly root?: unknown }).root;
    const target = resolve(join(config.dataDir, module.sampleTree));
    if (typeof root === 'string' && resolve(root) === target) {
      trees.set(module.sampleTree, target);
    }
  }
  return [...trees].map(([sample, target]) => ({ sample, target }));
}

/**
 * The addresses a self-signed certificate names: every service's, so that a TLS port or a
 * STARTTLS upgrade on any of them (HTTPS, FTPS, SMTP, POP3, a module's own) matches it.
 */
function listenHosts(config: PolyportConfig, modules: readonly ServiceModule[]): string[] {
  return modules.flatMap((module) => {
    const address = serviceTable(config, module)?.address;
    return address === undefined || address === '0.0.0.0' || address === '::' ? [] : [address];
  });
}

/**
 * Makes what the services of a config share on disk before any of them starts: the data
 * directory with its samples, and the self-signed certificate when none is configured. A fleet's
 * main process does it once before forking, so its workers never race to write the same files
 * (two certificates made at once could leave a key that does not match the certificate).
 * @param config the effective config.
 * @param modules the services the workers will run.
 * @example await prepareToServe(config, SERVICE_MODULES);
 */
export async function prepareToServe(
  config: PolyportConfig,
  modules: readonly ServiceModule[],
): Promise<void> {
  await prepareDataDir(config.dataDir, sampleTrees(config, modules), samplePorts(config));
  await loadTlsMaterial(config.dataDir, config.tls, listenHosts(config, modules));
}

function describeStartFailure(
  name: string,
  table: { readonly address: string; readonly port: number },
  err: unknown,
): Error {
  const where = `${table.address}:${table.port}`;
  if (
    err instanceof SocketError &&
    (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL')
  ) {
    const why =
      err.code === 'EADDRINUSE'
        ? 'the port is already in use (another polyport? set a different port or portOffset)'
        : err.code === 'EACCES'
          ? 'permission denied (ports below 1024 need root; keep portOffset)'
          : 'the address is not on this machine';
    return new HostStartError(`${name}: cannot listen on ${where}: ${why}`, { cause: err });
  }
  return new HostStartError(
    `${name}: failed to start on ${where}: ${err instanceof Error ? err.message : String(err)}`,
    { cause: err },
  );
}

/**
 * Starts every enabled service of `config` in this process, on one event loop.
 * @returns the running host.
 * @throws {HostStartError} for a refused credentials policy or a listener that cannot start
 *   (the message names the service and the port).
 * @example
 * const host = await serve({ config: await loadConfig({ path: 'polyport.toml' }) });
 * process.on('SIGTERM', () => host.stop());
 */
export async function serve(options: ServeOptions): Promise<Host> {
  const { config } = options;
  const logger =
    options.logger ?? createLogger({ format: config.log.format, level: config.log.level });
  const host = new Host(
    config,
    logger,
    options.clock ?? systemClock,
    options.services,
    options.role,
  );
  await host.start();
  return host;
}
