/**
 * Node's module compile cache for the `polyport` executable: on Node >= 22.1, the V8 code of every
 * module the command loads is kept on disk, so the next run of a command skips compiling it.
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node's own switch); a cache folder that cannot be
 * written is no error, the command just runs without a cache. What it gains is measured by the
 * CLI start-up benchmark (bench/defaults/cli-startup.ts, `--node 24`).
 */
import { join } from 'node:path';

/** What `module.enableCompileCache()` returns (Node >= 22.1; not in the Node 20 types). */
interface CompileCacheResult {
  readonly status: number;
  readonly directory?: string;
}

/** The part of `node:module` this file uses. */
interface ModuleWithCompileCache {
  readonly enableCompileCache?: (directory?: string) => CompileCacheResult;
}

/**
 * The folder the cache goes in: `polyport/compile-cache` in the user's cache folder
 * (`$XDG_CACHE_HOME`, else `~/.cache`; `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows).
 * Node keeps a sub-folder per Node version and V8 flags inside it, so Nodes never share entries.
 * @param env the environment (`XDG_CACHE_HOME`, `LOCALAPPDATA`, `HOME`).
 * @param platform `process.platform`.
 * @param home the user's home folder, when `env` names no cache folder.
 * @returns an absolute path, or `undefined` when no cache folder is known (no home folder).
 * @example compileCacheDirectory({ XDG_CACHE_HOME: '/c' }, 'linux', () => '/h'); // '/c/polyport/compile-cache'
 */
export function compileCacheDirectory(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: () => string,
): string | undefined {
  let base: string | undefined;
  if (platform === 'win32') base = env.LOCALAPPDATA;
  else if (platform === 'darwin') base = join(home(), 'Library/Caches');
  else base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(home(), '.cache');
  // A relative path would put the cache wherever the command happens to run.
  if (base === undefined || base === '' || !/^([A-Za-z]:)?[\\/]/.test(base)) return undefined;
  return join(base, 'polyport', 'compile-cache');
}

/**
 * Turns Node's module compile cache on for this process, when this Node has one (22.1 and later):
 * every module loaded afterwards is compiled from the cache when it is there, and written to it
 * when the process exits. Call it before the command's modules are imported. Never throws: on
 * Node 20, with `NODE_DISABLE_COMPILE_CACHE=1`, or when the folder cannot be made, nothing is
 * cached and nothing else changes.
 * @param env the environment (default `process.env`).
 * @returns the cache folder in use, or `undefined` when there is none.
 * @example await enableCompileCache(); // first thing in bin.ts
 */
export async function enableCompileCache(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  // Checked before importing anything, so Node 20 pays nothing for this.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 1)) return undefined;
  try {
    const [module, os] = await Promise.all([import('node:module'), import('node:os')]);
    const { enableCompileCache } = module as ModuleWithCompileCache;
    const directory = compileCacheDirectory(env, process.platform, os.homedir);
    if (enableCompileCache === undefined || directory === undefined) return undefined;
    // ENABLED or ALREADY_ENABLED (NODE_COMPILE_CACHE set) name the folder; FAILED and DISABLED
    // do not, and the process runs on uncached, as on Node 20.
    return enableCompileCache(directory).directory;
  } catch {
    return undefined;
  }
}
