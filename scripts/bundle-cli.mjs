#!/usr/bin/env node
/**
 * Bundles the `polyport` executable (src/cli/bin.ts) into dist/bin/polyport.js, with the code of
 * each lazily imported command in a chunk of its own in dist/bin/chunks/. `npm run build` (and
 * `prepare`, which `npm ci` runs) runs it after tsc.
 *
 * Why: a client command (`polyport dig`) spent most of its start-up loading ~85 small ES modules
 * one by one; bundled, the same code is a dozen files and the command starts ~50 ms of CPU
 * sooner (docs/cli.md). The library (`polyport/socket`, ...) stays as tsc emits it in dist/:
 * only the executable is bundled.
 *
 * What stays outside the bundle: the dependencies in package.json (imported from node_modules as
 * before), and what is read from disk at run time (package.json, samples/, the native addon),
 * which the code finds from the package's root, not from its own file's place, so a chunk finds
 * it as the unbundled module does. Source maps are linked (`*.js.map`) and point at src/;
 * `POLYPORT_DEBUG=1` turns them on (src/cli/bin.ts), so a stack trace names TypeScript lines.
 *
 * Usage: node scripts/bundle-cli.mjs
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Where `npm run build` puts the executable: package.json's "bin" names `polyport.js` in it. */
export const BIN_DIR = join(root, 'dist/bin');

/**
 * Bundles src/cli/bin.ts into `outdir`/polyport.js and `outdir`/chunks/, replacing what was there.
 * `outdir` must be inside the package, where node_modules and package.json are found.
 * @param {string} outdir the folder to write.
 * @returns {Promise<string>} the path of the executable.
 */
export async function bundleCli(outdir = BIN_DIR) {
  // Chunk names change with their content: stale ones would pile up.
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { polyport: 'src/cli/bin.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    // Each `import()` of a command becomes its own chunk, loaded only when that command runs.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // Left readable, like tsc's output: a stack trace without POLYPORT_DEBUG still makes sense.
    minify: false,
    logLevel: 'warning',
  });
  return join(outdir, 'polyport.js');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleCli();
}
