/**
 * Interop tests drive real tools written by others (curl, lftp, dig, python3, …).
 * Locally a missing tool is a visible skip; in CI (`POLYPORT_REQUIRE_INTEROP=1`) it is a failure,
 * so a test that was meant to run can never pass by silently not running.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Returns the full path of `command` on PATH, or `null`. */
export function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Test options for a test that needs `tools`: `{}` when all are installed, `{ skip }` otherwise.
 * @throws {Error} when a tool is missing and `POLYPORT_REQUIRE_INTEROP=1`.
 * @example test('curl fetches the index', needs('curl'), async () => { … });
 */
export function needs(...tools: string[]): { skip?: string } {
  const missing = tools.filter((tool) => which(tool) === null);
  if (missing.length === 0) return {};
  if (process.env.POLYPORT_REQUIRE_INTEROP === '1') {
    throw new Error(`interop tools missing (POLYPORT_REQUIRE_INTEROP=1): ${missing.join(', ')}`);
  }
  return { skip: `needs ${missing.join(', ')}, not installed` };
}
