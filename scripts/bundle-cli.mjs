#!/usr/bin/env node
/**
 * Bundles the `polyport` executable (src/cli/bin.ts) into dist/bin/polyport.js: the executable's
 * own code (finding the command, the config a client reads) in dist/bin/chunks/, and each
 * command's code bundled apart, in a folder of its own there (dist/bin/chunks/dns-cli/ for
 * `polyport dig`). `npm run build` (and `prepare`, which `npm ci` runs) runs it after tsc.
 *
 * Why: a client command (`polyport dig`) spent most of its start-up loading ~85 small ES modules
 * one by one; bundled, the same code is a dozen files and the command starts ~50 ms of CPU
 * sooner (docs/cli.md). Bundled as one program, the code the commands share (the socket layer,
 * the CLI's helpers) was cut into a small chunk for every set of commands sharing it, and
 * `polyport dig` read 17 files on Node 20. With each command bundled apart (and the command
 * line's own code in one chunk: src/cli/run-process.ts) it reads 8, and answers in 0.86x the
 * time on Node 20, 0.91x on Node 24 (paired runs). The shared code is then on disk once per
 * command using it, which costs only disk: one command runs per process. The library
 * (`polyport/socket`, ...) stays as tsc emits it in dist/: only the executable is bundled.
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
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Where `npm run build` puts the executable: package.json's "bin" names `polyport.js` in it. */
export const BIN_DIR = join(root, 'dist/bin');

/**
 * The files whose `import()`s load a command's code, each bundled apart: the two command tables,
 * and the client config, whose `--config FILE` loads the servers' config schema (every server).
 * Left in the executable's build, that last one would share the CLI's helpers with every server
 * and cut them into small chunks again.
 */
const APART_FROM = [
  'src/cli/commands.ts',
  'src/host/services/service-commands.ts',
  'src/cli/client-config.ts',
];

/** The esbuild options every build here shares. */
const COMMON = {
  absWorkingDir: root,
  bundle: true,
  // Each `import()` becomes its own chunk, loaded only when it runs.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  // Left readable, like tsc's output: a stack trace without POLYPORT_DEBUG still makes sense.
  // (Minified, `polyport dig` started no sooner.)
  minify: false,
  logLevel: 'warning',
};

/**
 * Bundles src/cli/bin.ts into `outdir`/polyport.js and `outdir`/chunks/, replacing what was there.
 * `outdir` must be inside the package, where node_modules and package.json are found.
 * @param {string} outdir the folder to write.
 * @returns {Promise<string>} the path of the executable.
 */
export async function bundleCli(outdir = BIN_DIR) {
  // Chunk names change with their content: stale ones would pile up.
  rmSync(outdir, { recursive: true, force: true });
  const chunks = join(outdir, 'chunks');
  const apart = new Map();
  await build({
    ...COMMON,
    entryPoints: { polyport: 'src/cli/bin.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [bundledApart(apart)],
  });
  const unused = APART_FROM.filter((file) => ![...apart.values()].some((b) => b.from === file));
  if (unused.length > 0) throw new Error(`no import() bundled apart from ${unused.join(', ')}`);
  await Promise.all(
    [...apart].map(([name, { source }]) =>
      build({
        ...COMMON,
        entryPoints: { [name]: source },
        outdir: join(chunks, name),
        chunkNames: '[name]-[hash]',
      }),
    ),
  );
  for (const file of jsFiles(outdir)) {
    const code = builtinsOnFirstUse(readFileSync(file, 'utf8'));
    // A form the rewrite does not know would quietly cost the start-up again.
    const left = /^import[^;]*"node:[\w/]+";$/m.exec(code);
    if (left !== null) throw new Error(`${file}: a built-in import left as it was: ${left[0]}`);
    // The import of a bundle apart is written relative to chunks/ (see bundledApart).
    if (
      dirname(file) !== chunks &&
      [...apart.keys()].some((name) => code.includes(`"./${name}/`))
    ) {
      throw new Error(`${file}: imports a command's bundle but is not in ${chunks}`);
    }
    writeFileSync(file, code);
  }
  return join(outdir, 'polyport.js');
}

/**
 * An esbuild plugin that leaves out of the build every `import()` made by a file of
 * {@link APART_FROM}, importing instead the bundle apart it notes in `apart` (its name: the
 * source's folder and file, `dns-cli` for src/protocols/dns/cli.ts). The import is written
 * relative to chunks/, where esbuild puts the code of a lazily imported module such as those.
 * @param {Map<string, { source: string, from: string }>} apart filled with each bundle's source
 *   and the file that imports it, by name.
 * @returns {import('esbuild').Plugin} the plugin.
 */
function bundledApart(apart) {
  const importers = new Set(APART_FROM.map((file) => join(root, file)));
  return {
    name: 'bundled-apart',
    setup(plugin) {
      plugin.onResolve({ filter: /^\./ }, ({ kind, importer, path }) => {
        if (kind !== 'dynamic-import' || !importers.has(importer)) return undefined;
        const source = join(dirname(importer), path.replace(/\.js$/, '.ts'));
        const name = `${basename(dirname(source))}-${basename(source, '.ts')}`;
        apart.set(name, { source: relative(root, source), from: relative(root, importer) });
        return { path: `./${name}/${name}.js`, external: true };
      });
    },
  };
}

/** The bundle's code files under `dir`, at any depth, without their maps. */
function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
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
