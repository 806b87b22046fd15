/**
 * The "defaults" benchmark (issue 18): polyport as users run it. `polyport serve` started as
 * `npm start` starts it (no options, from a fresh folder, logging to a file) beside its
 * references and beside `--quiet`, for HTTP and DNS; idle memory per connection; CLI start-up;
 * the client tools against curl; what capture costs (on vs off). Each table has the target and whether it is met. A part
 * that fails prints why and the others still run; the run then exits non-zero.
 * `BENCH_DEFAULTS=http,cliStartup` runs only the parts named (see {@link PARTS}).
 */
import { chooseParts, runParts } from '../lib/bench-parts.js';
import { runCaptureCost } from './capture-cost.js';
import { runCliStartup } from './cli-startup.js';
import { runClientTools } from './client-tools.js';
import { runDnsDefault } from './dns-default.js';
import { runHttpHello } from './http-hello.js';
import { runIdleMemoryPart } from './idle-memory-part.js';
import { makeScratch, type Scratch } from './scratch.js';

/**
 * The parts, in the order they run. Idle memory goes last: for some minutes after its servers
 * let 9,000 connections go, this machine still reclaims their memory, and the CLI timed after it
 * measured 5 to 12 ms slower than alone (`dig --help` 98 against 89 ms, one run each).
 */
const PARTS: readonly { name: string; run: (scratch: Scratch) => unknown }[] = [
  { name: 'http', run: runHttpHello },
  { name: 'dns', run: runDnsDefault },
  { name: 'capture', run: runCaptureCost },
  { name: 'cliStartup', run: runCliStartup },
  { name: 'clientTools', run: runClientTools },
  { name: 'idleMemory', run: runIdleMemoryPart },
];

/**
 * Runs every part of the defaults section.
 * @returns each part's results by name (a failed part: its error), or the error alone when a
 *   default port is busy or serve does not start at all (then nothing is measured).
 */
export async function runDefaultsBenchmark(): Promise<unknown> {
  const parts = chooseParts(PARTS, 'BENCH_DEFAULTS');
  let scratch: Scratch;
  try {
    scratch = await makeScratch(); // fails first when a default port is busy
  } catch (err) {
    // One clear line rather than a stack: this is about the machine, not the code.
    process.exitCode = 1;
    process.stdout.write(`\n${(err as Error).message}\n`);
    return { error: (err as Error).message };
  }
  try {
    return await runParts('defaults', parts, (part) => part.run(scratch));
  } finally {
    scratch.remove();
  }
}
