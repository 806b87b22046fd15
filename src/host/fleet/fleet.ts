/**
 * `serve --workers N`: N worker processes serve every service on the same ports (SO_REUSEPORT;
 * the kernel spreads connections and datagrams), and this main process runs the admin listener,
 * whose status page, `/metrics`, capture and fault rules cover every worker. A worker that dies
 * is started again (logged, with a back-off if it keeps dying); SIGHUP reloads the workers one
 * after the other, so the ports never close; stopping lets every worker finish its transfers.
 *
 * Independent processes rather than `node:cluster`: under cluster, a worker's `listen()` goes
 * through the main process unless it is exclusive, and an FTP passive `listen(0)` would get the
 * same port in every worker; here each process's sockets are its own, as in nginx.
 */
import { join } from 'node:path';
import type { CapturedEvent } from '../capture/captured-event.js';
import { EventHub } from '../capture/event-hub.js';
import { type PolyportConfig, serviceTable } from '../config/index.js';
import { type Host, HostStartError, prepareToServe, serve } from '../host.js';
import type { Logger } from '../logger.js';
import type { MetricsJson } from '../metrics.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { ServiceModule } from '../service-module.js';
import type { ListenerInfo } from '../starters/start-context.js';
import {
  renderStatusHtml,
  renderStatusJson,
  type StatusSnapshot,
  type WorkerStatus,
} from '../status-page.js';
import { FleetFaults } from './fleet-faults.js';
import type { FromWorker, WorkerLogSettings } from './fleet-messages.js';
import { fleetMetrics, fleetSnapshot } from './fleet-status.js';
import { WorkerHandle } from './worker-handle.js';

/**
 * The module a worker runs: from source under tsx (tests, `npm run dev`), else the compiled one
 * (the bundled executable's chunks are not separate modules a process could start).
 */
const WORKER_ENTRY = import.meta.url.endsWith('.ts')
  ? join(PACKAGE_ROOT, 'src/host/fleet/worker-main.ts')
  : join(PACKAGE_ROOT, 'dist/host/fleet/worker-main.js');

/** How often the workers' new events are read while someone follows the event stream. */
const LIVE_PULL_MS = 100;
/** How long a worker may take to listen, or to reload, before it counts as failed. */
const START_TIMEOUT_MS = 60_000;
/** A worker that dies sooner than this after starting waits longer before each new start. */
const QUICK_DEATH_MS = 5000;
/** The longest wait before starting a worker again. */
const MAX_BACKOFF_MS = 10_000;

/** Options for {@link Fleet.start}. */
export interface FleetOptions {
  readonly config: PolyportConfig;
  /** Every service module the config was built with (the workers run all but `admin`). */
  readonly services: readonly ServiceModule[];
  /** How many worker processes (2 or more). */
  readonly workers: number;
  /** The main process's logger. */
  readonly logger: Logger;
  /** How the workers write their log lines. */
  readonly log: WorkerLogSettings;
  /** How long a worker stopped by a signal of its own lets its connections finish (ms). */
  readonly grace: number;
}

/**
 * A running fleet.
 *
 * @example
 * const fleet = await Fleet.start({ config, services: SERVICE_MODULES, workers: 2, logger, log });
 * fleet.listeners; // the ports every worker serves, and the admin listener
 * await fleet.stop(10_000);
 */
export class Fleet {
  /**
   * Every worker's captured events, read from the workers when the API is asked (or, while
   * someone follows the stream, every {@link LIVE_PULL_MS}): ids are given here in the order
   * the events were read, so an id cursor never skips one; `worker` says whose each is.
   */
  readonly capture: EventHub;
  /** The fault rules every worker applies. */
  readonly faults: FleetFaults;
  readonly #options: FleetOptions;
  readonly #workers: WorkerHandle[] = [];
  readonly #logger: Logger;
  #config: PolyportConfig;
  #main: Host | null = null;
  #stopping: Promise<void> | null = null;
  #reloading = false;
  /** Set once every worker listened: from then on, a worker that dies is started again. */
  #started = false;
  /** Per worker id: what its start (or reload) is waiting for. */
  readonly #waiting = new Map<number, (outcome: Error | null) => void>();
  /** Per worker id: how many times in a row it died soon after starting. */
  readonly #quickDeaths = new Map<number, number>();
  /** Per worker id: resolves when its process has exited while stopping. */
  readonly #exits = new Map<number, () => void>();
  #catchingUp: Promise<void> | null = null;
  #livePull: NodeJS.Timeout | undefined;

  /**
   * Prepares the data directory and TLS material once, starts the workers, waits until every
   * one listens, then starts the admin listener here.
   * @throws {HostStartError} when a port is 0 (each worker would get its own) or a worker cannot
   *   start (the message is the worker's, as `serve` alone would give it).
   */
  static async start(options: FleetOptions): Promise<Fleet> {
    checkFixedPorts(options.config, options.services);
    await prepareToServe(options.config, options.services);
    const fleet = new Fleet(options);
    await fleet.#start();
    return fleet;
  }

  private constructor(options: FleetOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#logger = options.logger;
    this.capture = new EventHub(options.config.capture.events, () => Date.now());
    this.faults = new FleetFaults(
      options.services.map((m) => m.name),
      {
        send: (message) => {
          for (const worker of this.#workers) worker.send(message);
        },
        lists: () => Promise.all(this.#workers.map((w) => w.ask({ kind: 'faults' }))),
      },
    );
    for (let id = 1; id <= options.workers; id++) {
      this.#workers.push(
        new WorkerHandle(id, WORKER_ENTRY, {
          message: (worker, message) => this.#onMessage(worker, message),
          exit: (worker, code, signal) => this.#onExit(worker, code, signal),
        }),
      );
    }
  }

  async #start(): Promise<void> {
    this.faults.useConfig(this.#config.faults);
    try {
      await Promise.all(this.#workers.map((worker) => this.#launch(worker)));
    } catch (err) {
      await this.stop(0);
      throw err;
    }
    const admin = this.#options.services.filter((m) => m.name === 'admin');
    this.#main = await serve({
      config: mainConfig(this.#config),
      logger: this.#logger,
      services: admin,
      role: {
        capture: this.capture,
        catchUp: () => this.catchUp(),
        faults: this.faults,
        status: {
          html: () => renderStatusHtml(this.snapshot()),
          json: () => renderStatusJson(this.snapshot()),
          metrics: () => this.metrics(),
          ready: () => this.ready,
        },
      },
    }).catch(async (err: unknown) => {
      await this.stop(0);
      throw err;
    });
    this.#started = true;
    this.#livePull = setInterval(() => {
      if (this.capture.listeners > 0) void this.catchUp();
    }, LIVE_PULL_MS);
    this.#livePull.unref();
  }

  /**
   * Reads every worker's events captured since the last read, oldest first across workers,
   * into {@link Fleet.capture}. Calls while one runs share it.
   */
  catchUp(): Promise<void> {
    this.#catchingUp ??= this.#pull().finally(() => {
      this.#catchingUp = null;
    });
    return this.#catchingUp;
  }

  async #pull(): Promise<void> {
    const batches = await Promise.all(
      this.#workers.map(async (worker) => {
        const pid = worker.pid;
        const events = await worker.ask({ kind: 'events', since: worker.eventsRead });
        // Started again meanwhile: these were the old process's, and the new one counts from 1.
        if (!Array.isArray(events) || worker.pid !== pid) return [];
        const list = events as CapturedEvent[];
        const newest = list.at(-1);
        if (newest !== undefined) worker.eventsRead = newest.id;
        return list.map((event) => ({ event, worker: worker.id }));
      }),
    );
    // Stable: events of one time keep their worker's order.
    const all = batches.flat().sort((a, b) => a.event.time - b.event.time);
    for (const { event, worker } of all) this.capture.adopt(event, { worker });
  }

  /** Forks a worker, sends it the config and waits until it listens. */
  #launch(worker: WorkerHandle): Promise<void> {
    worker.fork();
    worker.send({
      type: 'start',
      worker: worker.id,
      config: this.#config,
      services: this.#options.services.filter((m) => m.name !== 'admin').map((m) => m.name),
      log: this.#options.log,
      faults: this.faults.rules(),
      grace: this.#options.grace,
    });
    return this.#waitFor(worker, 'start');
  }

  #waitFor(worker: WorkerHandle, what: 'start' | 'reload'): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new Error(`worker ${worker.id} did not ${what} within 60 s`)),
        START_TIMEOUT_MS,
      );
      const settle = (outcome: Error | null): void => {
        clearTimeout(timer);
        this.#waiting.delete(worker.id);
        if (outcome === null) resolve();
        else reject(outcome);
      };
      this.#waiting.set(worker.id, settle);
    });
  }

  #onMessage(worker: WorkerHandle, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        worker.ready = true;
        worker.snapshot = message.snapshot;
        this.#waiting.get(worker.id)?.(null);
        return;
      case 'failed':
        this.#waiting.get(worker.id)?.(new HostStartError(message.message));
        return;
      case 'status':
        worker.snapshot = message.snapshot;
        worker.ready = message.ready;
        return;
      case 'reloaded':
        this.#waiting.get(worker.id)?.(
          message.error === undefined ? null : new Error(message.error),
        );
        return;
    }
  }

  #onExit(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
    this.#waiting.get(worker.id)?.(new HostStartError(`worker ${worker.id} ended (${how})`));
    if (this.#stopping !== null) {
      this.#exits.get(worker.id)?.();
      return;
    }
    // During the first start a worker that ends fails the start itself.
    if (!this.#started) return;
    const lived = Date.now() - worker.startedAt;
    const quick = lived < QUICK_DEATH_MS ? (this.#quickDeaths.get(worker.id) ?? 0) + 1 : 0;
    this.#quickDeaths.set(worker.id, quick);
    const delay = quick === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** (quick - 1));
    this.#logger.error(
      { worker: worker.id, pid: worker.pid, code, signal, restartIn: delay / 1000 },
      `worker ${worker.id} ended (${how}): starting it again`,
    );
    const timer = setTimeout(() => {
      if (this.#stopping !== null) return;
      worker.restarts++;
      this.#launch(worker).then(
        () => this.#logger.info({ worker: worker.id, pid: worker.pid }, 'worker started again'),
        (err: unknown) => {
          // Stopping ends a worker that was starting: nothing went wrong.
          if (this.#stopping !== null) return;
          this.#logger.error(
            { worker: worker.id, err: err instanceof Error ? err.message : err },
            'worker failed to start again',
          );
        },
      );
    }, delay);
    timer.unref();
  }

  /** Whether every worker listens and the fleet is neither reloading nor stopping (`/readyz`). */
  get ready(): boolean {
    return (
      this.#stopping === null &&
      !this.#reloading &&
      this.#main?.ready === true &&
      this.#workers.every((w) => w.ready)
    );
  }

  /** The ports every worker serves, then the admin listener's. */
  get listeners(): Array<ListenerInfo & { service: string }> {
    return [...(this.#workers[0]?.snapshot?.listeners ?? []), ...(this.#main?.listeners ?? [])];
  }

  /** The workers now, for the status page. */
  workers(): WorkerStatus[] {
    return this.#workers.map((w) => {
      const services = w.snapshot?.services ?? [];
      return {
        id: w.id,
        pid: w.pid,
        ready: w.ready,
        startedAt: w.startedAt,
        restarts: w.restarts,
        connectionsNow: services.reduce((sum, s) => sum + s.connectionsNow, 0),
        requests: services.reduce((sum, s) => sum + s.requests, 0),
      };
    });
  }

  /** Every worker's counters added up (as of its last report, at most a second old). */
  snapshot(): StatusSnapshot {
    const main = this.#main;
    if (main === null) throw new Error('the fleet has not started');
    return fleetSnapshot(
      main.snapshot(),
      this.#workers.map((w) => w.snapshot),
      this.workers(),
    );
  }

  /** Every process's metrics, each series labelled with its `worker` (`main` for this one). */
  async metrics(): Promise<string> {
    const main = this.#main;
    const parts = await Promise.all([
      main?.metricsJson({ worker: 'main' }) ?? [],
      ...this.#workers.map((w) => w.ask({ kind: 'metrics' })),
    ]);
    return fleetMetrics(parts.filter((p): p is MetricsJson => Array.isArray(p)));
  }

  /**
   * Serves with a new config: worker 1 first (if it cannot, nothing changed and this throws),
   * then the others one after the other, then the admin listener. A later worker that cannot is
   * stopped and started again with the new config.
   * @throws {Error} the first worker's reason, when the new config cannot serve.
   */
  async reload(config: PolyportConfig): Promise<void> {
    checkFixedPorts(config, this.#options.services);
    this.#reloading = true;
    try {
      for (const [index, worker] of this.#workers.entries()) {
        if (!worker.alive) continue;
        worker.send({ type: 'reload', config });
        try {
          await this.#waitFor(worker, 'reload');
        } catch (err) {
          if (index === 0) throw err;
          this.#logger.error(
            { worker: worker.id, err: err instanceof Error ? err.message : err },
            'worker could not reload: starting it again',
          );
          worker.kill('SIGKILL');
        }
        // From here on, a worker started again gets the new config.
        this.#config = config;
      }
      this.#config = config;
      this.faults.useConfig(config.faults);
      await this.#main?.reload(mainConfig(config));
    } finally {
      this.#reloading = false;
    }
  }

  /**
   * Stops every worker (each lets its connections finish within `graceMs`, then closes them; a
   * worker still running 5 s after that is killed) and the admin listener.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.#stopping ??= (async () => {
      const exited = this.#workers
        .filter((w) => w.alive)
        .map((w) => new Promise<void>((resolve) => this.#exits.set(w.id, resolve)));
      for (const worker of this.#workers) worker.send({ type: 'stop', grace: graceMs });
      clearInterval(this.#livePull);
      const killer = setTimeout(() => {
        for (const worker of this.#workers) worker.kill('SIGKILL');
      }, graceMs + 5000);
      await Promise.all([Promise.all(exited), this.#main?.stop(graceMs)]);
      clearTimeout(killer);
    })();
    return this.#stopping;
  }
}

/** The admin listener's config: the fleet's rules are the fleet's, not the main host's own. */
function mainConfig(config: PolyportConfig): PolyportConfig {
  return { ...config, faults: [] };
}

/** Every worker must bind the same port: a port 0 would give each its own. */
function checkFixedPorts(config: PolyportConfig, services: readonly ServiceModule[]): void {
  for (const module of services) {
    if (module.name === 'admin') continue;
    const table = serviceTable(config, module);
    if (table?.enabled === true && table.port === 0) {
      throw new HostStartError(
        `${module.name}.port = 0: with several workers every port must be fixed, or each worker would listen on a port of its own`,
      );
    }
  }
}
