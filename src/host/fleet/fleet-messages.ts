/**
 * What the main process of `serve --workers` and its workers say to each other over the IPC
 * channel `fork()` opens (structured-clone serialization: plain data only).
 */
import type { PolyportConfig } from '../config/polyport-config.js';
import type { FaultRule } from '../faults/fault-rule.js';
import type { StatusSnapshot } from '../status-page.js';

/** How a worker writes its log: as the main process does, each line naming the worker. */
export interface WorkerLogSettings {
  readonly format: 'pretty' | 'json';
  readonly level: string;
  readonly color: boolean;
}

/** What a worker can be asked, and answers once (`answer` with the same `id`). */
export type WorkerQuestion =
  /** Its metrics as data, labelled with its `worker`. */
  | { readonly kind: 'metrics' }
  /** Its fault rules with its own counts. */
  | { readonly kind: 'faults' }
  /** The events it captured after its own id `since`, oldest first. */
  | { readonly kind: 'events'; readonly since: number };

/** From the main process to a worker. */
export type ToWorker =
  /** Serve these services (by name) with this config; the first message a worker gets. */
  | {
      readonly type: 'start';
      readonly worker: number;
      readonly config: PolyportConfig;
      readonly services: readonly string[];
      readonly log: WorkerLogSettings;
      readonly faults: readonly FaultRule[];
      /** The grace period of a stop the worker gets as a signal (SIGTERM) rather than a message. */
      readonly grace: number;
    }
  /** Serve with this config from now on (SIGHUP); answered by `reloaded`. */
  | { readonly type: 'reload'; readonly config: PolyportConfig }
  /** Stop accepting, let connections finish within `grace` ms, then exit. */
  | { readonly type: 'stop'; readonly grace: number }
  /** A fault rule the main process added (same id and seed in every worker). */
  | { readonly type: 'fault-add'; readonly rule: FaultRule }
  /** A rule removed (`id`), or every rule (`id` null). */
  | { readonly type: 'fault-remove'; readonly id: string | null }
  | { readonly type: 'ask'; readonly id: number; readonly question: WorkerQuestion };

/** From a worker to the main process. */
export type FromWorker =
  /** Listening on every port: its status now (the listing and `/readyz` wait for it). */
  | { readonly type: 'ready'; readonly snapshot: StatusSnapshot }
  /** The services could not start: the one line `serve` prints. */
  | { readonly type: 'failed'; readonly message: string }
  /** The counters now, sent every second and after a reload. */
  | { readonly type: 'status'; readonly snapshot: StatusSnapshot; readonly ready: boolean }
  /** The outcome of a `reload`: `error` set when the worker kept its old config. */
  | { readonly type: 'reloaded'; readonly error?: string }
  | { readonly type: 'answer'; readonly id: number; readonly value: unknown };
