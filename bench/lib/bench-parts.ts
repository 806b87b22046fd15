/**
 * The parts of a benchmark section: which ones `BENCH_<SECTION>` chooses, and running them so
 * one that fails is reported and the others still run (a section's numbers are worth having even
 * when one tool misbehaves).
 */

/** A part of a section, by the name `BENCH_<SECTION>` lists it by. */
export interface BenchPart {
  readonly name: string;
}

/**
 * The parts the environment variable `variable` names (comma-separated), in the section's order;
 * all of them when it is unset.
 * @throws {Error} naming the known parts when `variable` names one that is not.
 * @example const parts = chooseParts(PARTS, 'BENCH_WORKERS'); // BENCH_WORKERS=http,dns
 */
export function chooseParts<Part extends BenchPart>(
  parts: readonly Part[],
  variable: string,
): readonly Part[] {
  const chosen = process.env[variable]?.split(',').filter(Boolean);
  if (chosen === undefined) return parts;
  const found = parts.filter(({ name }) => chosen.includes(name));
  if (found.length !== chosen.length) {
    throw new Error(
      `${variable}=${chosen.join(',')}: known parts are ${parts.map(({ name }) => name).join(', ')}`,
    );
  }
  return found;
}

/**
 * Runs `parts` in order through `run`, each result under the part's name in `results`. A part
 * that throws gets a line (`<section> <name>: FAILED: …`), `{ error }` as its result and a failed
 * exit status, and the next part runs.
 * @returns `results`, with every part's.
 * @example const results = await runParts('defaults', parts, (part) => part.run(scratch));
 */
export async function runParts<Part extends BenchPart>(
  section: string,
  parts: readonly Part[],
  run: (part: Part) => unknown,
  results: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  for (const part of parts) {
    try {
      results[part.name] = await run(part);
    } catch (err) {
      process.exitCode = 1;
      process.stdout.write(`\n${section} ${part.name}: FAILED: ${(err as Error).message}\n`);
      results[part.name] = { error: (err as Error).message };
    }
  }
  return results;
}
