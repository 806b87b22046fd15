/**
 * The table and the JSON of a part of the workers section measured as rates (HTTP, DNS): per
 * contender the median rate and the median rate per CPU second, each with its ratio to
 * `--workers 1` and to the part's reference (nginx with two workers, dnsmasq).
 */
import { formatRate, median, printTable, ratio } from '../lib/harness.js';
import { type RateSample, serveName, sharedCoresNote } from './serve-sides.js';

/** A part's samples, by contender's name. */
export type RateSamples = ReadonlyMap<string, readonly RateSample[]>;

/**
 * Prints the part's table, then the note on shared cores.
 * @param title the table's title.
 * @param unit what is counted ('req', 'queries').
 * @param names the contenders, in the order of their rows.
 * @param reference the reference's row name, and its short name for the column headers.
 * @example printRateTable('workers: DNS …', 'queries', names, samples, { name: 'dnsmasq', short: 'dnsmasq' });
 */
export function printRateTable(
  title: string,
  unit: string,
  names: readonly string[],
  samples: RateSamples,
  reference: { readonly name: string; readonly short: string },
): void {
  const one = serveName(1);
  const cells = (name: string, what: keyof RateSample): string[] => {
    const value = medianOf(samples, name, what);
    return [
      formatRate(value),
      ratio(value, medianOf(samples, one, what)),
      ratio(value, medianOf(samples, reference.name, what)),
    ];
  };
  const vs = ['vs 1 worker', `vs ${reference.short}`];
  printTable(
    title,
    ['server', `${unit}/s`, ...vs, `${unit}/CPU-s`, ...vs],
    names.map((name) => [name, ...cells(name, 'rate'), ...cells(name, 'perCpuSecond')]),
  );
  process.stdout.write(`${sharedCoresNote()}\n`);
}

/**
 * The part's results for the JSON: every sample, the medians, and the ratios of two workers to
 * one and to the reference, per second and per CPU second.
 * @example rateResults(names, samples, NGINX);
 */
export function rateResults(
  names: readonly string[],
  samples: RateSamples,
  reference: string,
): Record<string, unknown> {
  const [two, one] = [serveName(2), serveName(1)];
  const ratios = (other: string): Record<keyof RateSample, number> => ({
    rate: medianOf(samples, two, 'rate') / medianOf(samples, other, 'rate'),
    perCpuSecond: medianOf(samples, two, 'perCpuSecond') / medianOf(samples, other, 'perCpuSecond'),
  });
  return {
    servers: Object.fromEntries(
      names.map((name) => [
        name,
        {
          perSecond: medianOf(samples, name, 'rate'),
          perCpuSecond: medianOf(samples, name, 'perCpuSecond'),
          samples: samples.get(name) ?? [],
        },
      ]),
    ),
    workers2VsWorkers1: ratios(one),
    reference,
    workers2VsReference: ratios(reference),
  };
}

/** The median of one field of a contender's samples; NaN (shown '-') when it has none. */
function medianOf(samples: RateSamples, name: string, what: keyof RateSample): number {
  return median((samples.get(name) ?? []).map((sample) => sample[what]));
}
