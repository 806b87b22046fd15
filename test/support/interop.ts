/**
 * Interop tests drive real tools written by others (curl, lftp, dig, python3, …) and need things
 * a machine may lack (IPv6 loopback, a mount namespace). Locally a missing prerequisite is a
 * visible skip; in CI (`POLYPORT_REQUIRE_INTEROP=1`) it is a failure, so a test that was meant to
 * run can never pass by silently not running. Every such gate goes through {@link requires}.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect, createServer } from 'node:net';
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

/** Whether CI asked that nothing skip: `POLYPORT_REQUIRE_INTEROP=1`. */
export function interopRequired(): boolean {
  return process.env.POLYPORT_REQUIRE_INTEROP === '1';
}

/**
 * Test options for a test with a prerequisite: `{}` when it is met (`missing` is `null`),
 * `{ skip: missing }` otherwise.
 * @param missing why the test cannot run here, or `null` when it can.
 * @returns options for `test()` or `describe()`.
 * @throws {Error} saying what is missing when `POLYPORT_REQUIRE_INTEROP=1`.
 * @example test('the server listens on ::1', requires(hasIt ? null : 'no ::1'), async () => { … });
 */
export function requires(missing: string | null): { skip?: string } {
  if (missing === null) return {};
  if (interopRequired()) {
    throw new Error(`${missing} (POLYPORT_REQUIRE_INTEROP=1: a missing prerequisite fails)`);
  }
  return { skip: missing };
}

/**
 * Test options for a test that needs `tools`: `{}` when all are installed, `{ skip }` otherwise.
 * @throws {Error} when a tool is missing and `POLYPORT_REQUIRE_INTEROP=1`.
 * @example test('curl fetches the index', needs('curl'), async () => { … });
 */
export function needs(...tools: string[]): { skip?: string } {
  const missing = tools.filter((tool) => which(tool) === null);
  return requires(missing.length === 0 ? null : `needs ${missing.join(', ')}, not installed`);
}

/**
 * Why IPv6 loopback is unusable here, or `null` when a TCP listener on `[::1]:0` accepts a
 * connection. Probed for real: a machine may list IPv6 addresses and still refuse `::1`.
 */
export async function ipv6LoopbackMissing(): Promise<string | null> {
  const server = createServer((conn) => conn.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '::1', resolve);
    });
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve, reject) => {
      const probe = connect(port, '::1', () => {
        probe.destroy();
        resolve();
      });
      probe.once('error', reject);
    });
    return null;
  } catch (err) {
    return `IPv6 loopback ::1 is not usable here (${(err as NodeJS.ErrnoException).code ?? err})`;
  } finally {
    server.close();
  }
}

/**
 * Test options for a test over IPv6 loopback: it runs wherever `::1` works, skips only where it
 * does not, and fails there under `POLYPORT_REQUIRE_INTEROP=1`.
 * @example const ipv6 = await needsIpv6Loopback(); test('listens on ::1', ipv6, async () => { … });
 */
export async function needsIpv6Loopback(): Promise<{ skip?: string }> {
  return requires(await ipv6LoopbackMissing());
}

/** `unshare` options for a private mount namespace: as root, or in a user namespace otherwise. */
function unshareMount(): string[] {
  return process.getuid?.() === 0 ? ['--mount'] : ['--map-root-user', '--mount'];
}

/**
 * Why a private mount namespace cannot be made here, or `null` when `unshare` can make one and
 * bind-mount a file in it.
 */
export function mountNamespaceMissing(): string | null {
  if (which('unshare') === null) return 'needs unshare (util-linux), not installed';
  const probe = spawnSync(
    'unshare',
    [...unshareMount(), 'sh', '-c', 'mount --bind /dev/null /dev/null'],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (probe.status === 0) return null;
  const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
  return `cannot make a private mount namespace (run as root, or allow user namespaces): ${why}`;
}

/**
 * The command and arguments that run `command args…` with `file` bind-mounted over `target`, in
 * a private mount namespace that ends with the command: nothing outside it sees the change.
 * @example run(...withFileMountedOver('/tmp/x/services', '/etc/services', 'finger', ['@host']));
 */
export function withFileMountedOver(
  file: string,
  target: string,
  command: string,
  args: readonly string[],
): [string, string[]] {
  // `unshare --mount` makes mounts private by default: the bind does not reach the host.
  const script = 'mount --bind "$0" "$1" && shift && exec "$@"';
  return ['unshare', [...unshareMount(), 'sh', '-c', script, file, target, command, ...args]];
}
