/**
 * Which Node binary runs the benchmarks' Node servers (polyport's, and the node:net and
 * node:http references, so "vs node:net" compares like with like). The load generators and the
 * harness itself stay on the Node that runs `npm run bench`.
 *
 * Why: polyport's accelerators reach into Node internals, and what they gain differs per Node
 * major; `npm run bench -- --node 24` measures that major without reinstalling anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The servers' Node: a path, with its version once asked. */
let chosen: { path: string; version: string } = {
  path: process.execPath,
  version: process.version,
};

/**
 * Where `scripts/node-matrix.mjs install MAJOR` keeps Node releases: `<root>/<version>/bin/node`.
 * @returns `$POLYPORT_NODE_CACHE`, or `~/.cache/polyport/node`.
 */
function cacheRoot(): string {
  return process.env.POLYPORT_NODE_CACHE || join(homedir(), '.cache/polyport/node');
}

/** Compares `x.y.z` version strings numerically. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The Node binary a `--node` argument names: a path to a binary, or a bare major (`24`) — this
 * Node when it is that major, else the newest `<major>.x.y` in the node cache.
 * @param spec a path or a major.
 * @returns an absolute path to an existing file.
 * @throws {Error} when no such binary is found.
 * @example resolveNode('24'); // '/root/.cache/polyport/node/24.22.3/bin/node'
 */
export function resolveNode(spec: string): string {
  if (/^\d+$/.test(spec)) {
    if (process.versions.node.split('.')[0] === spec) return process.execPath;
    const root = cacheRoot();
    const versions = existsSync(root)
      ? readdirSync(root)
          .filter((v) => v.startsWith(`${spec}.`) && /^\d+\.\d+\.\d+$/.test(v))
          .filter((v) => existsSync(join(root, v, 'bin/node')))
          .sort(compareVersions)
      : [];
    const newest = versions.at(-1);
    if (newest === undefined) {
      throw new Error(
        `no Node ${spec} in ${root} (node scripts/node-matrix.mjs install ${spec}, or pass a path)`,
      );
    }
    return join(root, newest, 'bin/node');
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new Error(`--node ${spec}: no such file`);
  return path;
}

/**
 * Runs the Node servers of every benchmark started after this on another Node binary.
 * @param spec a path or a bare major, as {@link resolveNode} takes.
 * @returns the binary's path and version.
 * @throws {Error} when the binary is not found or does not run.
 * @example useServerNode('/tmp/nodes/22/bin/node');
 */
export function useServerNode(spec: string): { path: string; version: string } {
  const path = resolveNode(spec);
  const version = execFileSync(path, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  chosen = { path, version };
  return chosen;
}

/**
 * The Node binary the benchmarks' Node servers run on, and its version.
 * @returns this process's Node unless {@link useServerNode} chose another.
 * @example printTitle(`… on Node ${serverNode().version}`);
 */
export function serverNode(): { readonly path: string; readonly version: string } {
  return chosen;
}
