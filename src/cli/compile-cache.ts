/**
 * Node's module compile cache for the `polyport` executable: on Node >= 22.1, the V8 code of every
 * module the command loads is kept on disk, so the next run of a command skips compiling it.
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node's own switch); a cache folder that cannot be
 * written is no error, the command just runs without a cache. What it gains is measured by the
 * CLI start-up benchmark (bench/defaults/cli-startup.ts, `--node 24`).
 */

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
 * Turns Node's module compile cache on for this process, when this Node has one (22.1 and later),
 * in `compile-cache` in the user's cache folder for polyport (`~/.cache/polyport/compile-cache`;
 * see {@link userCacheDir}); Node keeps a folder per Node version and V8 flags inside it. Every
 * module loaded afterwards is compiled from the cache when it is there, and written to it when
 * the process exits: call it before the command's modules are imported. Never throws: on Node 20,
 * with `NODE_DISABLE_COMPILE_CACHE=1`, or when the folder cannot be made, nothing is cached and
 * nothing else changes.
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
    const [module, { userCacheDir }] = await Promise.all([
      import('node:module'),
      import('./user-cache-dir.js'),
    ]);
    const { enableCompileCache } = module as ModuleWithCompileCache;
    if (enableCompileCache === undefined) return undefined;
    // ENABLED or ALREADY_ENABLED (NODE_COMPILE_CACHE set) name the folder; FAILED and DISABLED
    // do not, and the process runs on uncached, as on Node 20.
    return enableCompileCache(`${userCacheDir(env)}/compile-cache`).directory;
  } catch {
    return undefined;
  }
}
