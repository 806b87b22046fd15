#!/usr/bin/env node
/**
 * Bundles the `polyport` executable (src/cli/bin.ts) into dist/bin/polyport.cjs, and the code
 * each `import()` of the command line loads into a bundle of its own in dist/bin/commands/
 * (`dns-cli.cjs`: `polyport dig`'s command line; `dns-ask-dig.cjs`: its question asked). `npm
 * run build` (and `prepare`, which `npm ci` runs) runs it after tsc.
 *
 * Why bundled: a client command (`polyport dig`) spent most of its start-up loading ~85 small ES
 * modules one by one; bundled, it loads a few files and starts ~50 ms of CPU sooner (docs/cli.md).
 *
 * Why each `import()` apart, and not as esbuild's chunks: esbuild's code splitting cuts the code
 * that several lazily loaded parts share into a small chunk for every set of parts sharing it,
 * and `polyport dig` read 17 files. Bundled apart, each part holds all the code it needs (code
 * shared is on disk once per part: only disk, as one command runs per process) and `dig` reads
 * 5. What one part hands another (a command, its parsed options, the streams) must therefore not
 * depend on which copy of a module made it: no `instanceof` of a class across parts, no state
 * shared through a module. Only the files in {@link APART_FROM} start parts: the serve command and
 * its servers stay one bundle, whose own `import()`s load lazily within it.
 *
 * Why CommonJS: esbuild splits ES modules only, and without splitting nothing asks for them.
 * Node 20 starts an ES module entry ~7 ms later than a CommonJS one (its ES module loader loads
 * first), and a `require()` costs less than an `import()` on every Node; CommonJS's `require()`
 * of a built-in also skips the facade Node builds for an ES module importing one (which reads
 * every export once: `node:fs`'s loads Node's file streams). Measured against the ES module
 * chunks, in CPU time per run (paired, medians of 21): `polyport dig` 0.89x on Node 20 and 0.96x
 * on Node 24, `--version` 0.88x and 0.98x, `dig --help` 0.87x and 0.97x.
 *
 * What stays outside the bundle: the dependencies in package.json (required from node_modules),
 * and what is read from disk at run time (package.json, samples/, the native addon), which the
 * code finds from the package's root, not from its own file's place. Source maps are linked
 * (`*.cjs.map`) and point at src/; `POLYPORT_DEBUG=1` turns them on (src/cli/bin.ts), so a stack
 * trace names TypeScript lines.
 *
 * Usage: node scripts/bundle-cli.mjs
 */
import { rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Where `npm run build` puts the executable: package.json's "bin" names `polyport.cjs` in it. */
export const BIN_DIR = join(root, 'dist/bin');

/**
 * The files whose `import()`s each load a part of the command line bundled apart: the executable
 * (the command line proper, once the compile cache is on), the two command tables (a command),
 * the client config (the servers' config schema, for `--config FILE`: every server), and each
 * client command's command line (what it runs once its line reads: the socket layer and the
 * client), so that `--help` and a bad option load none of it.
 */
const APART_FROM = [
  'src/cli/bin.ts',
  'src/cli/commands.ts',
  'src/host/services/service-commands.ts',
  'src/cli/client-config.ts',
  ...['dns', 'finger', 'ftp', 'http', 'ident', 'mail'].map((p) => `src/protocols/${p}/cli.ts`),
];

/** The esbuild options of every bundle. */
const COMMON = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  // An `import()` of a bundle apart (external) becomes a `require()` in a promise; one of code
  // within the bundle runs that code's module body then.
  supported: { 'dynamic-import': false },
  // CommonJS has no `import.meta`: its `url` is the bundle file's.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: {
    js: '"use strict";\nconst __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
  },
  // Left readable, like tsc's output: a stack trace without POLYPORT_DEBUG still makes sense.
  minify: false,
  logLevel: 'silent',
};

/**
 * Bundles src/cli/bin.ts into `outdir`/polyport.cjs and `outdir`/commands/, replacing what was
 * there. `outdir` must be inside the package, where node_modules and package.json are found.
 * @param {string} outdir the folder to write.
 * @returns {Promise<string>} the path of the executable.
 */
export async function bundleCli(outdir = BIN_DIR) {
  // Bundles no longer made must not linger.
  rmSync(outdir, { recursive: true, force: true });
  const parts = join(outdir, 'commands');
  /** Every part asked for so far, by name, and where its code starts. */
  const wanted = new Map();
  const from = new Set();
  await bundle('polyport', 'src/cli/bin.ts', outdir);
  for (let made = 0; made < wanted.size; ) {
    const batch = [...wanted].slice(made);
    made = wanted.size;
    await Promise.all(batch.map(([name, source]) => bundle(name, source, parts)));
  }
  const unused = APART_FROM.filter((file) => !from.has(file));
  if (unused.length > 0) throw new Error(`no import() bundled apart from ${unused.join(', ')}`);
  return join(outdir, 'polyport.cjs');

  /** Bundles `source` into `dir`/`name`.cjs; warnings fail the build. */
  async function bundle(name, source, dir) {
    const { warnings } = await build({
      ...COMMON,
      entryPoints: { [name]: source },
      outdir: dir,
      plugins: [bundledApart(dir, parts, wanted, from)],
    });
    // E.g. an `import.meta` other than `.url`, which would be empty in CommonJS.
    if (warnings.length > 0) throw new Error(`${source}: ${warnings[0].text}`);
  }
}

/**
 * An esbuild plugin that leaves every `import()` made by a file of {@link APART_FROM} out of the
 * bundle, requiring instead the part it names (the source's folder and file: `dns-ask-dig` for
 * src/protocols/dns/ask-dig.ts) from `parts`, and notes the part in `wanted`.
 * @param {string} dir where this bundle goes.
 * @param {string} parts where the parts go.
 * @param {Map<string, string>} wanted filled with each part's source, by name.
 * @param {Set<string>} from filled with the files that import a part.
 * @returns {import('esbuild').Plugin} the plugin.
 */
function bundledApart(dir, parts, wanted, from) {
  const importers = new Map(APART_FROM.map((file) => [join(root, file), file]));
  return {
    name: 'bundled-apart',
    setup(plugin) {
      plugin.onResolve({ filter: /^\./ }, ({ kind, importer, path }) => {
        if (kind !== 'dynamic-import' || !importers.has(importer)) return undefined;
        from.add(importers.get(importer));
        const source = join(dirname(importer), path.replace(/\.js$/, '.ts'));
        const name = `${basename(dirname(source))}-${basename(source, '.ts')}`;
        wanted.set(name, relative(root, source));
        return { path: `./${relative(dir, join(parts, `${name}.cjs`))}`, external: true };
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleCli();
}
