/**
 * The fault rules of a `serve --workers` fleet: the main process holds them (ids, seeds), every
 * worker adopts each one, and the listing adds up what each rule did in every worker. A rule's
 * `times` and its seeded draws count per worker, since each worker picks on its own steps.
 */
import { FaultBook, type FaultRules } from '../faults/fault-book.js';
import type { FaultRule, FaultRuleSpec } from '../faults/fault-rule.js';
import type { ToWorker } from './fleet-messages.js';

/** How the rules reach the workers. */
export interface FaultBroadcast {
  /** Sends a message to every worker running now. */
  send(message: ToWorker): void;
  /** Every worker's own listing (null for one that did not answer). */
  lists(): Promise<readonly unknown[]>;
}

/**
 * A fleet's rules, as the admin API manages them.
 *
 * @example
 * const faults = new FleetFaults(['dns'], broadcast);
 * faults.add({ service: 'dns', action: { rcode: 'SERVFAIL' } }); // every worker adopts it
 */
export class FleetFaults implements FaultRules {
  readonly #book: FaultBook;
  readonly #workers: FaultBroadcast;
  #fromConfig: string[] = [];

  /**
   * @param services the services rules may name.
   * @param workers how the rules reach the workers.
   */
  constructor(services: readonly string[], workers: FaultBroadcast) {
    this.#book = new FaultBook(services);
    this.#workers = workers;
  }

  add(input: unknown): FaultRule {
    const rule = this.#book.add(input);
    this.#workers.send({ type: 'fault-add', rule });
    return rule;
  }

  async list(): Promise<FaultRule[]> {
    const counts = new Map<string, { matched: number; fired: number }>();
    for (const list of await this.#workers.lists()) {
      if (!Array.isArray(list)) continue;
      for (const rule of list as FaultRule[]) {
        const sum = counts.get(rule.id) ?? { matched: 0, fired: 0 };
        sum.matched += rule.matched;
        sum.fired += rule.fired;
        counts.set(rule.id, sum);
      }
    }
    return this.#book.list().map((rule) => ({ ...rule, ...counts.get(rule.id) }));
  }

  remove(id: string): boolean {
    const removed = this.#book.remove(id);
    if (removed) this.#workers.send({ type: 'fault-remove', id });
    return removed;
  }

  clear(): void {
    this.#book.clear();
    this.#workers.send({ type: 'fault-remove', id: null });
  }

  /** Every rule as held, for a worker that starts (or starts again). */
  rules(): FaultRule[] {
    return this.#book.list();
  }

  /**
   * Puts the config's `[[faults]]` in force, replacing those of the config before (at start and
   * on reload); rules added through the API stay.
   */
  useConfig(rules: readonly FaultRuleSpec[]): void {
    for (const id of this.#fromConfig) this.remove(id);
    this.#fromConfig = rules.map((rule) => this.add(rule).id);
  }
}
