/**
 * What every polyport benchmark server does before it listens: run the accelerators' self-tests,
 * as `polyport serve` does, so the first connection of a run already gets the fast paths; and
 * say so on stderr when an accelerator is not where this run's switches put it (on in the
 * accelerators-on row, off in the off row), since that row would then measure something else.
 */
import { prepareAccelerators } from '../../dist/socket/index.js';
import { ACCELERATORS_OFF } from './harness.js';

/**
 * Runs the accelerators' self-tests and warns about any accelerator on the wrong side.
 * @returns when the self-tests have ended (never rejects: a failed one turns its accelerator off).
 * @example await readyAccelerators(); // then start the service
 */
export async function readyAccelerators(): Promise<void> {
  const wanted = Object.keys(ACCELERATORS_OFF).every((key) => process.env[key] !== '1');
  for (const accelerator of await prepareAccelerators()) {
    if (accelerator.active === wanted) continue;
    process.stderr.write(
      `bench: accelerator ${accelerator.name} is ${accelerator.active ? 'on' : `off (${accelerator.reason})`} on Node ${process.version} in a run meant to have it ${wanted ? 'on' : 'off'}\n`,
    );
  }
}
