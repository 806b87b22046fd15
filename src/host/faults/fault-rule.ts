/**
 * A fault rule: which service and which step it breaks (`match`), how (`action`), and how often
 * (`times`, or a `probability` drawn from a seeded generator so a run can be repeated). Rules come
 * from the config, the admin API (`POST /api/v1/faults`) or code (`host.faults.add()`), and are
 * checked here the same way for all three: a typo fails at once rather than never firing.
 */
import type { FaultAction, FaultFacts } from '../../server/fault-hook.js';
import { samePeer } from '../../server/server-observer.js';

/** What a rule's step must be; every key given must hold. */
export type FaultMatch = { readonly [K in keyof FaultFacts]?: string };

/** A rule as written: the JSON the API takes, the config's `[[faults]]` table. */
export interface FaultRuleSpec {
  /** The service it breaks (`smtp`, `dns`, `http`, …). */
  readonly service: string;
  /** Which steps: by `peer`, `command`, `name`, `type`, `path`, `method`, `user` (default: all). */
  readonly match?: FaultMatch;
  /** What to do (the keys the service honours: see {@link FAULT_ACTIONS}). */
  readonly action: FaultAction;
  /** Fire at most this many times (default: every time). */
  readonly times?: number;
  /** Fire on this share of matching steps, 0 to 1 (default 1). */
  readonly probability?: number;
  /** The seed of the generator `probability` draws from (default: chosen at random, then shown). */
  readonly seed?: number;
}

/** A rule the book holds: its spec, its id and what it did so far. */
export interface FaultRule extends FaultRuleSpec {
  /** `f1`, `f2`, … in the order rules were added. */
  readonly id: string;
  /** The seed in use (set when a probability is given). */
  readonly seed?: number;
  /** Steps that matched. */
  readonly matched: number;
  /** Faults injected. */
  readonly fired: number;
}

/** A rule that cannot be used: the line says what is wrong. */
export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
}

/**
 * The action keys each service honours: the services whose servers ask the rules (`https` is
 * HTTP's). A rule for any other service (finger, the small services, the admin listener, whose
 * faults would lock the API out) is refused rather than accepted and never fired.
 *
 * @example
 * FAULT_ACTIONS.smtp; // ['delay', 'reply', 'disconnect']
 */
export const FAULT_ACTIONS: Readonly<Record<string, readonly (keyof FaultAction)[]>> = {
  smtp: ['delay', 'reply', 'disconnect'],
  pop3: ['delay', 'reply', 'disconnect', 'cutAfter'],
  ftp: ['delay', 'reply', 'disconnect', 'cutAfter'],
  dns: ['delay', 'rcode', 'drop', 'truncate', 'wrongId'],
  http: ['delay', 'status', 'disconnect', 'dribble', 'resetAfterHead', 'malformedChunk'],
  https: ['delay', 'status', 'disconnect', 'dribble', 'resetAfterHead', 'malformedChunk'],
};

/** The DNS response codes a rule may answer with. */
export const FAULT_RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

const MATCH_KEYS: readonly (keyof FaultFacts)[] = [
  'peer',
  'command',
  'name',
  'type',
  'path',
  'method',
  'user',
];

/** The reply line a line protocol accepts: a code its clients parse, one line. */
function replyProblem(service: string, reply: string): string | null {
  if (/[\r\n]/.test(reply) || reply.length === 0 || reply.length > 510) {
    return 'a reply is one line of 1 to 510 characters';
  }
  if (service === 'pop3') {
    return /^(\+OK|-ERR)( |$)/.test(reply) ? null : 'a POP3 reply starts with "+OK" or "-ERR"';
  }
  if (service === 'smtp' || service === 'ftp') {
    return /^[2-5]\d\d( |$)/.test(reply)
      ? null
      : `an ${service.toUpperCase()} reply starts with a code 200 to 599 and a space`;
  }
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Checks one action value; returns what is wrong, or null. */
function actionProblem(service: string, key: keyof FaultAction, value: unknown): string | null {
  switch (key) {
    case 'delay':
      return isCount(value) && value <= 600_000 ? null : 'delay is milliseconds, 0 to 600000';
    case 'cutAfter':
      return isCount(value) ? null : 'cutAfter is a byte count >= 0';
    case 'reply':
      return typeof value === 'string' ? replyProblem(service, value) : 'reply is a string';
    case 'status':
      return isCount(value) && value >= 100 && value <= 599 ? null : 'status is 100 to 599';
    case 'rcode':
      return typeof value === 'string' && FAULT_RCODES.includes(value.toUpperCase())
        ? null
        : `rcode is one of ${FAULT_RCODES.join(', ')}`;
    case 'dribble':
      return isObject(value) &&
        isCount(value.bytes) &&
        value.bytes >= 1 &&
        isCount(value.everyMs) &&
        Object.keys(value).every((k) => k === 'bytes' || k === 'everyMs')
        ? null
        : 'dribble is { bytes >= 1, everyMs >= 0 }';
    default:
      return value === true ? null : `${key} is true`;
  }
}

/**
 * Checks a rule as written (from JSON, TOML or code) and returns it in canonical form (upper-
 * case commands, methods, types and rcodes; DNS names without the trailing dot).
 * @param input the rule.
 * @param services the services the host runs (a rule for another is refused).
 * @returns the rule, ready for a {@link FaultBook}.
 * @throws {FaultRuleError} naming the first problem.
 * @example
 * parseFaultRule({ service: 'smtp', match: { command: 'rcpt' }, action: { reply: '451 4.3.0 try again later' }, times: 1 }, ['smtp']);
 */
export function parseFaultRule(input: unknown, services: readonly string[]): FaultRuleSpec {
  const fail = (why: string): never => {
    throw new FaultRuleError(`fault rule: ${why}`);
  };
  if (!isObject(input)) return fail('a rule is an object with service, match and action');
  for (const key of Object.keys(input)) {
    if (!['service', 'match', 'action', 'times', 'probability', 'seed'].includes(key)) {
      fail(`unknown key "${key}" (service, match, action, times, probability, seed)`);
    }
  }
  const service = input.service;
  const faultable = services.filter((name) => Object.hasOwn(FAULT_ACTIONS, name));
  if (typeof service !== 'string' || !faultable.includes(service)) {
    fail(`service must be one of ${faultable.join(', ')}; got ${JSON.stringify(service)}`);
  }
  const name = service as string;
  const match: Record<string, string> = {};
  if (input.match !== undefined) {
    if (!isObject(input.match)) fail('match is an object');
    for (const [key, value] of Object.entries(input.match as Record<string, unknown>)) {
      if (!MATCH_KEYS.includes(key as keyof FaultFacts)) {
        fail(`unknown match key "${key}" (${MATCH_KEYS.join(', ')})`);
      }
      if (typeof value !== 'string' || value === '') fail(`match.${key} is a non-empty string`);
      match[key] = canonicalMatch(key, value as string);
    }
  }
  if (!isObject(input.action) || Object.keys(input.action).length === 0) {
    fail('action is an object with at least one key');
  }
  const allowed = FAULT_ACTIONS[name]!;
  const action: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.action as Record<string, unknown>)) {
    if (!allowed.includes(key as keyof FaultAction)) {
      fail(`${name} takes the actions ${allowed.join(', ')}; not "${key}"`);
    }
    const problem = actionProblem(name, key as keyof FaultAction, value);
    if (problem !== null) fail(`action.${key}: ${problem}`);
    // A copy of dribble's table: an object of the rule's own (TOML's have no prototype).
    action[key] =
      key === 'rcode'
        ? String(value).toUpperCase()
        : key === 'dribble'
          ? { ...(value as object) }
          : value;
  }
  const { times, probability, seed } = input;
  if (times !== undefined && !(isCount(times) && times >= 1)) fail('times is an integer >= 1');
  if (
    probability !== undefined &&
    !(typeof probability === 'number' && probability >= 0 && probability <= 1)
  ) {
    fail('probability is a number from 0 to 1');
  }
  if (seed !== undefined && !(isCount(seed) && seed <= 0xffffffff)) {
    fail('seed is an integer from 0 to 4294967295');
  }
  return {
    service: name,
    match,
    action: action as FaultAction,
    ...(times !== undefined ? { times: times as number } : {}),
    ...(probability !== undefined ? { probability: probability as number } : {}),
    ...(seed !== undefined ? { seed: seed as number } : {}),
  };
}

function canonicalMatch(key: string, value: string): string {
  if (key === 'command' || key === 'method' || key === 'type') return value.toUpperCase();
  if (key === 'name') return value.replace(/\.$/, '').toLowerCase();
  return value;
}

/**
 * Whether a step's facts satisfy a rule's match. Names compare without case (`*.example.test`
 * matches any name under it), paths exactly or by a prefix ending in `*`, a peer with or without
 * its port.
 * @param match the rule's match (canonical, from {@link parseFaultRule}).
 * @param facts the step.
 * @returns true when every key of the match holds.
 * @example matchesFault({ command: 'RCPT' }, { peer: '127.0.0.1:5000', command: 'RCPT' }); // true
 */
export function matchesFault(match: FaultMatch, facts: FaultFacts): boolean {
  for (const key in match) {
    const want = match[key as keyof FaultFacts]!;
    const got = facts[key as keyof FaultFacts];
    if (got === undefined) return false;
    switch (key) {
      case 'peer':
        if (!samePeer(got, want)) return false;
        break;
      case 'name': {
        const name = got.replace(/\.$/, '').toLowerCase();
        if (want.startsWith('*.') ? !name.endsWith(want.slice(1)) : name !== want) return false;
        break;
      }
      case 'path':
        if (want.endsWith('*') ? !got.startsWith(want.slice(0, -1)) : got !== want) return false;
        break;
      case 'command':
      case 'method':
      case 'type':
        if (got.toUpperCase() !== want) return false;
        break;
      default:
        if (got !== want) return false;
    }
  }
  return true;
}
