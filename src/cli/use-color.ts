/**
 * Whether the command line may colour its output: only on a terminal, and never when the user
 * set `NO_COLOR` (https://no-color.org: present and not empty).
 */
import type { CliOutput } from '../protocols/common/cli-command.js';

/**
 * Tells whether to colour what goes to `stream`.
 * @param stream where the coloured text would go.
 * @param env the environment (`NO_COLOR`).
 * @returns `true` for a terminal without `NO_COLOR`.
 * @example createLogger({ destination: process.stderr, color: useColor(process.stderr, process.env) });
 */
export function useColor(stream: CliOutput, env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}
