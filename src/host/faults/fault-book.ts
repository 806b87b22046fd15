/**
 * The host's fault rules: added, listed and removed while it runs, and asked at each step a
 * server can fault. Probabilities draw from a generator seeded per rule, so the same traffic
 * with the same seed faults the same steps.
 */
import type { FaultAction, FaultFacts } from '../../server/fault-hook.js';
import { type FaultRule, type FaultRuleSpec, matchesFault, parseFaultRule } from './fault-rule.js';

/** mulberry32: a small, fast 32-bit generator, good enough to pick which steps fault. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface HeldRule {
  readonly spec: FaultRuleSpec;
  readonly id: string;
  readonly seed: number | undefined;
  readonly random: (() => number) | undefined;
  matched: number;
  fired: number;
}

/** Called once per fault injected, for the timeline. */
export type FaultFiredListener = (rule: FaultRule, facts: FaultFacts) => void;

/**
 * The rule list the admin API manages: one host's {@link FaultBook}, or the rules of a
 * `serve --workers` fleet, kept the same in every worker (whose counts `list()` adds up).
 */
export interface FaultRules {
  /** Checks and adds a rule (see {@link FaultBook.add}). */
  add(input: unknown): FaultRule;
  /** Every rule, in the order added, with what each did so far. */
  list(): FaultRule[] | Promise<FaultRule[]>;
  /** Removes one rule; whether it existed. */
  remove(id: string): boolean;
  /** Removes every rule. */
  clear(): void;
}

/**
 * The rules of one host, per service in the order they were added; the first that matches a
 * step and has fires left wins.
 *
 * @example
 * const book = new FaultBook(['smtp', 'dns']);
 * book.add({ service: 'dns', match: { name: 'flaky.example.test' }, action: { rcode: 'SERVFAIL' } });
 * book.pick('dns', { peer: '127.0.0.1:5000', name: 'flaky.example.test', type: 'A' }); // { rcode: 'SERVFAIL' }
 */
export class FaultBook implements FaultRules {
  readonly #services: readonly string[];
  readonly #byService = new Map<string, HeldRule[]>();
  readonly #onFired: FaultFiredListener | undefined;
  #nextId = 1;

  /**
   * @param services the services rules may name.
   * @param onFired told of each fault injected (the host records it in the capture).
   */
  constructor(services: readonly string[], onFired?: FaultFiredListener) {
    this.#services = services;
    this.#onFired = onFired;
  }

  /**
   * Checks and adds a rule.
   * @param input the rule as written (JSON from the API, a config table, an object in code).
   * @returns the rule as held, with its id (and its seed, when it has a probability).
   * @throws {FaultRuleError} when the rule is not valid.
   */
  add(input: unknown): FaultRule {
    const spec = parseFaultRule(input, this.#services);
    const seed =
      spec.probability === undefined ? undefined : (spec.seed ?? (Math.random() * 2 ** 32) >>> 0);
    return this.#hold(spec, `f${this.#nextId++}`, seed);
  }

  /**
   * Adds a rule another book holds, with its id and seed: a fleet's main process adds each rule
   * once and every worker adopts it, so the API's ids and the seeded draws are the same in all.
   * The counts start at zero here (each worker counts its own steps).
   * @param rule the rule as the other book's `add()` returned it.
   * @returns the rule as held here.
   * @throws {FaultRuleError} when the rule is not valid.
   */
  adopt(rule: FaultRule): FaultRule {
    const { id, seed, matched: _matched, fired: _fired, ...input } = rule;
    const spec = parseFaultRule(input, this.#services);
    this.#nextId = Math.max(this.#nextId, Number(id.slice(1)) + 1);
    return this.#hold(spec, id, seed);
  }

  #hold(spec: FaultRuleSpec, id: string, seed: number | undefined): FaultRule {
    const held: HeldRule = {
      spec,
      id,
      seed,
      random: seed === undefined ? undefined : seededRandom(seed),
      matched: 0,
      fired: 0,
    };
    const rules = this.#byService.get(spec.service) ?? [];
    rules.push(held);
    this.#byService.set(spec.service, rules);
    return view(held);
  }

  /** Every rule, in the order added. */
  list(): FaultRule[] {
    return [...this.#byService.values()]
      .flat()
      .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)))
      .map(view);
  }

  /**
   * Removes one rule.
   * @returns whether it existed.
   */
  remove(id: string): boolean {
    for (const [service, rules] of this.#byService) {
      const index = rules.findIndex((r) => r.id === id);
      if (index >= 0) {
        rules.splice(index, 1);
        if (rules.length === 0) this.#byService.delete(service);
        return true;
      }
    }
    return false;
  }

  /** Removes every rule. */
  clear(): void {
    this.#byService.clear();
  }

  /**
   * The fault for a step, if a rule says so (each call counts against `times` and draws from
   * the rule's generator). Cheap when the service has no rules.
   * @param service the service at the step.
   * @param facts the step.
   * @returns the action, or undefined for the normal step.
   */
  pick(service: string, facts: FaultFacts): FaultAction | undefined {
    const rules = this.#byService.get(service);
    if (rules === undefined) return undefined;
    for (const rule of rules) {
      const { spec } = rule;
      if (spec.times !== undefined && rule.fired >= spec.times) continue;
      if (spec.match !== undefined && !matchesFault(spec.match, facts)) continue;
      rule.matched++;
      if (rule.random !== undefined && rule.random() >= spec.probability!) continue;
      rule.fired++;
      this.#onFired?.(view(rule), facts);
      return spec.action;
    }
    return undefined;
  }
}

function view(rule: HeldRule): FaultRule {
  return {
    ...rule.spec,
    id: rule.id,
    ...(rule.seed !== undefined ? { seed: rule.seed } : {}),
    matched: rule.matched,
    fired: rule.fired,
  };
}
