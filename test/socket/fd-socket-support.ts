/**
 * The gate of the tests that need the `fd_socket` native addon: a visible skip where it is not
 * built, a failure when `POLYPORT_REQUIRE_NATIVE=1` (CI), never a silent pass.
 */
import { fdSocketAddon } from '../../src/socket/node/fd-socket.js';

/**
 * Test options: `{}` when the addon loads, `{ skip }` otherwise.
 * @throws {Error} when it does not load and `POLYPORT_REQUIRE_NATIVE=1`.
 */
export function needsFdSockets(): { skip?: string } {
  if (fdSocketAddon() !== null) return {};
  const missing = 'the fd_socket native addon is not built (npm run build:native)';
  if (process.env.POLYPORT_REQUIRE_NATIVE === '1')
    throw new Error(`${missing} (POLYPORT_REQUIRE_NATIVE=1: the addon is required)`);
  return { skip: missing };
}
