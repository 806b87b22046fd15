/**
 * Network namespaces of a test's own: one in which unprivileged ICMP datagram sockets are
 * allowed (the tests of `SOCK_DGRAM`/`IPPROTO_ICMP`, and of `polyport ping` over it, open
 * `net.ipv4.ping_group_range` there only, never on the machine they run on), or one with the
 * interfaces and addresses a test adds.
 */
import { needs, requires } from './interop.js';
import { type ProgramRun, runToEnd } from './run-to-end.js';

/** How long a program in the namespace may run before it is killed (it then fails its test). */
const LIMIT_MS = 30_000;

/** What a program run by {@link runInPingNamespace} did. */
export type NamespaceRun = ProgramRun;

/**
 * Test options for a test that runs in such a namespace: it needs `unshare` and `ip`, and root
 * to create the namespace.
 * @returns options for `test()`: `{}`, or `{ skip }` (a failure under `POLYPORT_REQUIRE_INTEROP=1`).
 * @example test('pings in a namespace', needsPingNamespace(), async () => { … });
 */
export function needsPingNamespace(): { skip?: string } {
  return {
    ...needs('unshare', 'ip'),
    ...requires(process.getuid?.() === 0 ? null : 'creating a network namespace needs root'),
  };
}

/**
 * Runs `argv` in a new network namespace with loopback up and ping_group_range opened to every
 * group, and waits for it to end (it is killed after 30 s).
 * @param argv the program and its arguments (each quoted for the shell here).
 * @returns its exit code and what it printed.
 * @example const { code, stdout } = await runInPingNamespace([process.execPath, 'child.js']);
 */
export async function runInPingNamespace(argv: readonly string[]): Promise<NamespaceRun> {
  return runInNetworkNamespace(['echo "0 2147483647" > /proc/sys/net/ipv4/ping_group_range'], argv);
}

/**
 * Runs `argv` in a new network namespace with loopback up, after the shell commands of `setup`
 * (adding interfaces and addresses, say), and waits for it to end (it is killed after 30 s).
 * Nothing it does reaches the machine's own network.
 * @param setup shell commands run first, in the namespace; any failure stops the run.
 * @param argv the program and its arguments (each quoted for the shell here).
 * @returns its exit code and what it printed.
 * @example await runInNetworkNamespace(['ip link add d0 type dummy'], ['ip', 'link']);
 */
export async function runInNetworkNamespace(
  setup: readonly string[],
  argv: readonly string[],
): Promise<NamespaceRun> {
  const shell = ['ip link set lo up', ...setup, `exec ${argv.map(quote).join(' ')}`].join(' && ');
  return runToEnd('unshare', ['--net', 'sh', '-c', shell], LIMIT_MS);
}

/** `word` as one shell word, whatever it holds. */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
