/**
 * A small routed network of network namespaces for tests that need routers (traceroute): a
 * host, two routers and a destination in a line, joined by veth pairs, with addresses only
 * inside those namespaces. Nothing is added to the namespace the tests run in.
 *
 *   host 10.201.1.2 ── 10.201.1.1 router1 10.201.2.1 ── 10.201.2.2 router2 10.201.3.1 ── 10.201.3.2 dest
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { needs, requires } from './interop.js';
import { type ProgramRun, runToEnd } from './run-to-end.js';

const run = promisify(execFile);

/** How long a program in a namespace may run before it is killed (it then fails its test). */
const LIMIT_MS = 60_000;

/** The network, by role: each namespace's name and the addresses a test asserts on. */
export interface RoutedNetwork {
  readonly host: string;
  readonly router1: string;
  readonly router2: string;
  readonly dest: string;
  /** Router 1's address on the host's link, router 2's on router 1's link, the destination's. */
  readonly addresses: { readonly router1: string; readonly router2: string; readonly dest: string };
  /** Deletes the namespaces (and so their veth pairs and routes). */
  remove(): Promise<void>;
}

/** What a program run in a namespace did. */
export type NamespaceRun = ProgramRun;

/**
 * Test options for a test that builds such a network: it needs `ip`, and root.
 * @returns `{}`, or `{ skip }` (a failure under `POLYPORT_REQUIRE_INTEROP=1`).
 * @example test('traces two routers', needsRoutedNamespaces(), async () => { … });
 */
export function needsRoutedNamespaces(): { skip?: string } {
  return {
    ...needs('ip'),
    ...requires(process.getuid?.() === 0 ? null : 'creating network namespaces needs root'),
  };
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/**
 * Builds the network, with names unique to this process. On failure, what was built is removed.
 * @returns the network; call `remove()` in a `finally`.
 * @example const net = await buildRoutedNetwork(); try { … } finally { await net.remove(); }
 */
export async function buildRoutedNetwork(): Promise<RoutedNetwork> {
  const tag = `pp${process.pid}`;
  const [host, router1, router2, dest] = ['h', 'r1', 'r2', 'd'].map((role) => `${tag}-${role}`) as [
    string,
    string,
    string,
    string,
  ];
  const created: string[] = [];
  const remove = async (): Promise<void> => {
    for (const ns of created.splice(0).reverse()) await ip('netns', 'del', ns).catch(() => {});
  };
  try {
    for (const ns of [host, router1, router2, dest]) {
      await ip('netns', 'add', ns);
      created.push(ns);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    // Each veth pair is made inside its two namespaces, never in the caller's.
    const links: Array<[string, string, string, string, string, string]> = [
      [host, 'eth0', '10.201.1.2/24', router1, 'eth0', '10.201.1.1/24'],
      [router1, 'eth1', '10.201.2.1/24', router2, 'eth0', '10.201.2.2/24'],
      [router2, 'eth1', '10.201.3.1/24', dest, 'eth0', '10.201.3.2/24'],
    ];
    for (const [ns1, if1, addr1, ns2, if2, addr2] of links) {
      await ip('-n', ns1, 'link', 'add', if1, 'type', 'veth', 'peer', 'name', if2, 'netns', ns2);
      await ip('-n', ns1, 'addr', 'add', addr1, 'dev', if1);
      await ip('-n', ns2, 'addr', 'add', addr2, 'dev', if2);
      await ip('-n', ns1, 'link', 'set', if1, 'up');
      await ip('-n', ns2, 'link', 'set', if2, 'up');
    }
    for (const router of [router1, router2])
      await run('ip', ['netns', 'exec', router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await ip('-n', host, 'route', 'add', 'default', 'via', '10.201.1.1');
    await ip('-n', router1, 'route', 'add', '10.201.3.0/24', 'via', '10.201.2.2');
    await ip('-n', router2, 'route', 'add', '10.201.1.0/24', 'via', '10.201.2.1');
    await ip('-n', dest, 'route', 'add', 'default', 'via', '10.201.3.1');
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    host,
    router1,
    router2,
    dest,
    addresses: { router1: '10.201.1.1', router2: '10.201.2.2', dest: '10.201.3.2' },
    remove,
  };
}

/**
 * Runs `argv` in namespace `ns` and waits for it to end (it is killed after 60 s).
 * @returns its exit code and what it printed.
 * @example const { code, stdout } = await runInNamespace(net.host, [process.execPath, 'x.js']);
 */
export async function runInNamespace(ns: string, argv: readonly string[]): Promise<NamespaceRun> {
  return runToEnd('ip', ['netns', 'exec', ns, ...argv], LIMIT_MS);
}
