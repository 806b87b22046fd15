/**
 * One worker process as the main process of `serve --workers` holds it: forked with an IPC
 * channel, its latest status, and the questions it was asked and has not answered yet.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { StatusSnapshot } from '../status-page.js';
import type { FromWorker, ToWorker, WorkerQuestion } from './fleet-messages.js';

/** How long a worker may take to answer a question before the answer counts as missing. */
const ANSWER_TIMEOUT_MS = 3000;

/** What the fleet hears from a worker's process. */
export interface WorkerEvents {
  message(worker: WorkerHandle, message: FromWorker): void;
  exit(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null): void;
}

/**
 * A worker's process: started again by {@link WorkerHandle.fork} after it dies, under the same
 * id.
 *
 * @example
 * const worker = new WorkerHandle(1, entry, events);
 * worker.fork();
 * worker.send({ type: 'stop', grace: 1000 });
 */
export class WorkerHandle {
  /** 1, 2, …: its `worker` label. */
  readonly id: number;
  readonly #entry: string;
  readonly #events: WorkerEvents;
  #child: ChildProcess | null = null;
  #questions = new Map<number, (value: unknown) => void>();
  #nextQuestion = 1;
  /** Its latest counters (null until the first). */
  snapshot: StatusSnapshot | null = null;
  /** Whether it listens on every port. */
  ready = false;
  /** When its current process started. */
  startedAt = 0;
  /** How often it was started again after dying. */
  restarts = 0;
  /** The newest of its current process's own event ids the main process has read. */
  eventsRead = 0;

  /**
   * @param id its number.
   * @param entry the module a worker process runs.
   * @param events where its messages and its exit go.
   */
  constructor(id: number, entry: string, events: WorkerEvents) {
    this.id = id;
    this.#entry = entry;
    this.#events = events;
  }

  /** Its process id now (0 when it has none). */
  get pid(): number {
    return this.#child?.pid ?? 0;
  }

  /** Whether its process runs. */
  get alive(): boolean {
    return this.#child !== null;
  }

  /** Starts its process (again). */
  fork(): void {
    this.ready = false;
    this.snapshot = null;
    // A process started again counts its event ids from 1.
    this.eventsRead = 0;
    this.startedAt = Date.now();
    // The module runs as the main process does (`--import tsx` from source, plain from dist),
    // its log lines go to the same standard error, and nothing reads its standard input.
    const child = fork(this.#entry, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, POLYPORT_WORKER: String(this.id) },
    });
    this.#child = child;
    child.on('message', (message: FromWorker) => {
      if (message.type === 'answer') {
        this.#questions.get(message.id)?.(message.value);
        this.#questions.delete(message.id);
        return;
      }
      this.#events.message(this, message);
    });
    // A process that cannot be spawned reports 'error' and then 'exit' (or only 'error').
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      this.#child = null;
      this.ready = false;
      for (const answer of this.#questions.values()) answer(null);
      this.#questions.clear();
      this.#events.exit(this, code, signal);
    });
  }

  /** Sends a message; dropped when the process is gone (its successor gets the state anew). */
  send(message: ToWorker): void {
    const child = this.#child;
    if (child?.connected) child.send(message);
  }

  /**
   * Asks a question.
   * @returns the answer, or null when the worker is gone or does not answer in time.
   */
  ask(question: WorkerQuestion): Promise<unknown> {
    const child = this.#child;
    if (!child?.connected) return Promise.resolve(null);
    const id = this.#nextQuestion++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#questions.delete(id);
        resolve(null);
      }, ANSWER_TIMEOUT_MS);
      this.#questions.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      child.send({ type: 'ask', id, question } satisfies ToWorker);
    });
  }

  /** Sends a signal to its process (SIGKILL: the end of a grace period). */
  kill(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }
}
