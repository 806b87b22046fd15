/**
 * Targets a benchmark holds a measurement to (an issue's "Done when"), for a table's "target"
 * and "meets" columns and its JSON: a bound on a ratio or on an absolute value.
 */

/** A bound: the value must be at least, or at most, `limit`. */
export interface Target {
  readonly atLeast?: number;
  readonly atMost?: number;
  /** What the value is: a unit ('ms') or what a ratio is against ('x nginx'). */
  readonly unit: string;
}

/**
 * The target as a table cell.
 * @example targetText({ atLeast: 0.8, unit: 'x nginx' }); // '>= 0.80x nginx'
 */
export function targetText(target: Target): string {
  const limit = target.atLeast ?? target.atMost ?? Number.NaN;
  const digits = Number.isInteger(limit) && limit >= 10 ? 0 : 2;
  return `${target.atLeast !== undefined ? '>=' : '<='} ${limit.toFixed(digits)}${target.unit}`;
}

/**
 * Whether a value meets a target; a value that could not be measured (NaN, infinite) does not.
 * @example meets(0.85, { atLeast: 0.8, unit: 'x nginx' }); // true
 */
export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  if (target.atLeast !== undefined && value < target.atLeast) return false;
  if (target.atMost !== undefined && value > target.atMost) return false;
  return true;
}

/** A "meets" cell: 'yes' or 'NO' (capitals, to stand out in a column of yeses). */
export function meetsText(value: number, target: Target): string {
  return meets(value, target) ? 'yes' : 'NO';
}

/** A target and its outcome, as the JSON records them. */
export interface TargetResult {
  readonly value: number;
  readonly target: string;
  readonly meets: boolean;
}

/**
 * A measured value with its target, for the JSON.
 * @example checked(0.85, { atLeast: 0.8, unit: 'x nginx' }); // { value: 0.85, target: '>= 0.80x nginx', meets: true }
 */
export function checked(value: number, target: Target): TargetResult {
  return { value, target: targetText(target), meets: meets(value, target) };
}
