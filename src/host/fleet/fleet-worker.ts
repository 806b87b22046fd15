/**
 * One worker of `serve --workers`, in its own process: it serves every service but the admin
 * listener on ports it shares with the other workers (SO_REUSEPORT), and tells the main process
 * what the admin listener shows: its counters every second; its captured events, metrics and
 * fault counts when asked (events cost nothing between processes until someone reads them). It stops when told, on SIGINT/SIGTERM (Ctrl-C reaches the
 * whole process group), and when the main process is gone (no worker outlives it).
 */
import type { PolyportConfig } from '../config/polyport-config.js';
import { type Host, serve } from '../host.js';
import { createLogger, flushLogs } from '../logger.js';
import { SERVICE_MODULES } from '../services/index.js';
import type { FromWorker, ToWorker, WorkerQuestion } from './fleet-messages.js';

/** How often a worker sends its counters. */
const STATUS_INTERVAL_MS = 1000;
/**
 * The config a worker serves with: the admin listener is the main process's, and the fault rules
 * come from it (ids shared). The capture keeps its ring here, which the main process reads.
 * @param config the fleet's config.
 * @returns the worker's.
 * @example workerConfig(config).admin.enabled; // false
 */
export function workerConfig(config: PolyportConfig): PolyportConfig {
  return {
    ...config,
    admin: { ...config.admin, enabled: false },
    faults: [],
  };
}

/**
 * Runs this process as a worker: waits for `start`, serves, and answers the main process until
 * told to stop.
 * @returns the exit code, once stopped.
 * @example process.exitCode = await runFleetWorker();
 */
export function runFleetWorker(): Promise<number> {
  return new Promise((resolve) => new FleetWorker(resolve).listen());
}

class FleetWorker {
  readonly #done: (code: number) => void;
  #host: Host | null = null;
  #label = '';
  #grace = 10_000;
  #starting = false;
  #stopping = false;
  /** Fault rules changed while the host was starting, applied once it runs. */
  #pending: ToWorker[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(done: (code: number) => void) {
    this.#done = done;
  }

  listen(): void {
    // Ctrl-C and a closing terminal signal the whole process group: the main process stops or
    // reloads every worker itself, so the worker leaves those signals to it.
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', () => undefined);
    // A worker stopped on its own (`kill PID`) is started again by the main process.
    process.on('SIGTERM', () => this.#stop(this.#grace));
    // The main process is gone (killed): nobody would stop or restart this worker.
    process.on('disconnect', () => this.#stop(0));
    process.on('message', (message: ToWorker) => this.#on(message));
  }

  #on(message: ToWorker): void {
    const host = this.#host;
    if (host === null && (message.type === 'fault-add' || message.type === 'fault-remove')) {
      this.#pending.push(message);
      return;
    }
    switch (message.type) {
      case 'start':
        this.#starting = true;
        this.#start(message).catch((err: unknown) => {
          flushLogs();
          this.#send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
          this.#done(1);
        });
        return;
      case 'reload':
        host
          ?.reload(workerConfig(message.config))
          .then(
            () => this.#send({ type: 'reloaded' }),
            (err: unknown) =>
              this.#send({
                type: 'reloaded',
                error: err instanceof Error ? err.message : String(err),
              }),
          )
          .finally(() => this.#sendStatus());
        return;
      case 'stop':
        this.#stop(message.grace);
        return;
      case 'fault-add':
        host?.faults.adopt(message.rule);
        return;
      case 'fault-remove':
        if (message.id === null) host?.faults.clear();
        else host?.faults.remove(message.id);
        return;
      case 'ask':
        this.#answer(message.question).then((value) =>
          this.#send({ type: 'answer', id: message.id, value }),
        );
        return;
    }
  }

  async #start(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
    this.#label = String(message.worker);
    this.#grace = message.grace;
    const host = await serve({
      config: workerConfig(message.config),
      logger: createLogger(message.log).child({ worker: message.worker }),
      services: SERVICE_MODULES.filter((m) => message.services.includes(m.name)),
      role: { reusePort: true },
    });
    for (const rule of message.faults) host.faults.adopt(rule);
    this.#host = host;
    for (const pending of this.#pending.splice(0)) this.#on(pending);
    if (this.#stopping) {
      await host.stop(0);
      return this.#done(0);
    }
    this.#send({ type: 'ready', snapshot: host.snapshot() });
    this.#timer = setInterval(() => this.#sendStatus(), STATUS_INTERVAL_MS);
    this.#timer.unref();
  }

  #stop(grace: number): void {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#timer);
    const host = this.#host;
    if (host === null) {
      // Starting: `#start` stops the host as soon as it is up. Never asked to start: done.
      if (!this.#starting) this.#done(0);
      return;
    }
    host.stop(grace).then(() => {
      flushLogs();
      this.#done(0);
    });
  }

  #sendStatus(): void {
    const host = this.#host;
    if (host !== null) this.#send({ type: 'status', snapshot: host.snapshot(), ready: host.ready });
  }

  async #answer(question: WorkerQuestion): Promise<unknown> {
    const host = this.#host;
    if (host === null) return null;
    switch (question.kind) {
      case 'metrics':
        return host.metricsJson({ worker: this.#label });
      case 'faults':
        return host.faults.list();
      case 'events':
        return host.capture.list({ sinceId: question.since }).reverse();
    }
  }

  #send(message: FromWorker): void {
    if (process.connected) process.send?.(message);
  }
}
