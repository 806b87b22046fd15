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
 * Node's built-ins are taken with `process.getBuiltinModule`, not imported: see
 * {@link builtinsOnFirstUse}.
 *
 * Usage: node scripts/bundle-cli.mjs
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  for (const file of [join(outdir, 'polyport.js'), ...chunkFiles(join(outdir, 'chunks'))]) {
    const code = builtinsOnFirstUse(readFileSync(file, 'utf8'));
    // A form the rewrite does not know would quietly cost the start-up again.
    const left = /^import[^;]*"node:[\w/]+";$/m.exec(code);
    if (left !== null) throw new Error(`${file}: a built-in import left as it was: ${left[0]}`);
    writeFileSync(file, code);
  }
  return join(outdir, 'polyport.js');
}

/** The bundle's chunk files, `*.js` without their maps. */
function chunkFiles(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(dir, name));
}

/** A static import of a Node built-in as esbuild writes it: default, namespace or named bindings. */
const BUILTIN_IMPORT =
  /^import (?:([\w$]+)(?:, )?)?(?:\* as ([\w$]+)|\{([^}]*)\})? ?(?:from )?"(node:[\w/]+)";$/gm;

/**
 * Rewrites a chunk's static imports of Node's built-ins (`import { readFileSync } from
 * "node:fs"`) as `process.getBuiltinModule` calls that read just the names imported (`const {
 * readFileSync } = process.getBuiltinModule("node:fs")`), line for line, so the source map holds.
 *
 * Why: Node gives an ES module that imports a built-in a facade that reads every export of it
 * once, which runs the lazy getters behind them: importing `node:fs` loads Node's file streams
 * (for `fs.ReadStream`), `node:util` the modules behind `TextDecoder` and `MIMEType`: some
 * 7 ms of `polyport dig`'s start-up on Node 24 (docs/cli.md).
 * `process.getBuiltinModule` is Node 20.16's and 22.3's (package.json's engines). The bindings
 * stay where esbuild put the imports, at the top of their module's code: a module's code runs
 * after the modules it imports, so none reads them before they are set.
 * @param {string} code a chunk as esbuild wrote it.
 * @returns {string} the chunk with every static built-in import rewritten.
 */
export function builtinsOnFirstUse(code) {
  return code.replace(BUILTIN_IMPORT, (_, defaultName, namespace, named, id) => {
    const load = `process.getBuiltinModule("${id}")`;
    const whole = defaultName ?? namespace;
    const names = named?.replace(/([\w$]+) as ([\w$]+)/g, '$1: $2');
    if (whole !== undefined && names !== undefined)
      return `const ${whole} = ${load}, {${names}} = ${whole};`;
    if (whole !== undefined) return `const ${whole} = ${load};`;
    if (names !== undefined) return `const {${names}} = ${load};`;
    return `${load};`;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleCli();
}
