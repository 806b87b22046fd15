import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Socket as DgramSocket } from 'node:dgram';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BIN_DIR, bundleCli } from '../../scripts/bundle-cli.mjs';
import { routeHandler } from '../../src/protocols/http/index.js';
import { startLive } from '../protocols/dns/live-server.js';
import { startFixture } from '../protocols/ftp/ftp-fixture.js';
import { startTestServer } from '../protocols/http/support/server.js';

/**
 * The `polyport` users run is the bundle scripts/bundle-cli.mjs makes (dist/bin/polyport.cjs), not
 * src/cli/bin.ts as the other CLI tests run it. These tests bundle the current source into a
 * folder of their own (so they never skip, and never run a stale build) and run that bundle.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: { build: string; prepare: string; start: string };
};
/** Loaded before the bundle: the first write to stdout throws, as a bug in a command would. */
/** Makes a write to stdout throw an error that is no write error (no errno code): a bug's. */
const FAILING_STDOUT = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; const write = fs.writeSync; fs.writeSync = (fd, ...rest) => { if (fd === 1) throw new Error('simulated failure'); return write(fd, ...rest); };",
)}`;

let dir = '';
let bin = '';

before(async () => {
  // Inside the package, as dist/bin is: the bundle imports its dependencies from node_modules.
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'dist/bundle-test-'));
  bin = await bundleCli(dir);
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundle with `args`; resolves with what it printed (rejects on a non-zero exit). */
function polyport(
  args: readonly string[],
  options: { node?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [...(options.node ?? []), bin, ...args], {
    env: options.env ?? process.env,
    timeout: 30_000,
  });
}

test('package.json runs the bundle the build writes, for "bin" and "npm start"', () => {
  const built = relative(ROOT, join(BIN_DIR, 'polyport.cjs'));
  assert.equal(PACKAGE.bin.polyport, `./${built}`);
  assert.equal(PACKAGE.scripts.start, `node ${built} serve`);
  assert.match(PACKAGE.scripts.build, /scripts\/bundle-cli\.mjs/);
  assert.match(PACKAGE.scripts.prepare, /scripts\/bundle-cli\.mjs/);
});

test('the bundled polyport prints its version, read from package.json', async () => {
  const { stdout } = await polyport(['--version']);
  assert.equal(stdout.trim(), PACKAGE.version);
});

test("the bundled polyport loads a command's chunk: dig --help prints dig's usage", async () => {
  const { stdout } = await polyport(['dig', '--help']);
  assert.match(stdout, /^Usage: polyport dig /);
});

test('the bundled polyport names TypeScript lines in a POLYPORT_DEBUG stack trace', async () => {
  const failing = { node: ['--import', FAILING_STDOUT] };
  const debug = await polyport(['dig', '--help'], {
    ...failing,
    env: { ...process.env, POLYPORT_DEBUG: '1' },
  }).then(
    () => assert.fail('a failing stdout must fail the command'),
    (err: { code: number; stderr: string }) => err,
  );
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /simulated failure/);
  assert.match(debug.stderr, /src\/cli\/main\.ts:\d+:\d+/, 'frames are mapped to src/');

  const { POLYPORT_DEBUG: _, ...quietEnv } = process.env;
  const quiet = await polyport(['dig', '--help'], { ...failing, env: quietEnv }).then(
    () => assert.fail('a failing stdout must fail the command'),
    (err: { stderr: string }) => err,
  );
  assert.equal(quiet.stderr.trim(), 'polyport: simulated failure (POLYPORT_DEBUG=1 shows where)');
});

/**
 * Runs the bundle with `args` and, loaded first with `--require`, a watcher (`source`, kept in
 * `name`.cjs) that writes what it saw as JSON on stderr's last line at exit.
 * @returns what the bundle printed, and the watcher's report.
 */
async function watched<Report>(
  name: string,
  source: string,
  args: readonly string[],
): Promise<{ stdout: string; report: Report }> {
  const watcher = join(dir, `${name}.cjs`);
  writeFileSync(watcher, source);
  const { stdout, stderr } = await polyport(args, { node: ['--require', watcher] });
  return { stdout, report: JSON.parse(stderr.trim().split('\n').at(-1) ?? '') as Report };
}

/** A watcher: the files `require()` loaded. */
const REQUIRED_FILES = `process.on('exit', () => {
  require('node:fs').writeSync(2, '\\n' + JSON.stringify(Object.keys(require.cache)) + '\\n');
});
`;

/** The bundle's files (relative to it) that the bundle run with `args` loaded, sorted. */
async function bundleFilesLoaded(args: readonly string[]): Promise<string[]> {
  const { report } = await watched<string[]>('required-files', REQUIRED_FILES, args);
  return report
    .map((file) => relative(dir, file))
    .filter((file) => !file.startsWith('..') && file !== 'required-files.cjs')
    .sort();
}

test("each part of the command line is bundled apart: dig loads its command line, then its question's reader and asker, and nothing else", async (t) => {
  const server = await startLive();
  t.after(() => server.stop());
  const question = ['dig', '@127.0.0.1', '-p', String(server.port), 'www.example.test'];
  const base = ['commands/cli-run-process.cjs', 'commands/dns-cli.cjs', 'polyport.cjs'];
  assert.deepEqual(await bundleFilesLoaded(['dig', '--help']), base);
  assert.deepEqual(
    await bundleFilesLoaded(question),
    [...base, 'commands/dns-ask-dig.cjs', 'commands/dns-dig-request.cjs'].sort(),
  );
});

test('the bundled polyport serve loads the servers with it, in one bundle: serve --help', async () => {
  assert.deepEqual(await bundleFilesLoaded(['serve', '--help']), [
    'commands/cli-run-process.cjs',
    'commands/cli-serve-command.cjs',
    'polyport.cjs',
  ]);
  const { stdout } = await polyport(['serve', '--help']);
  assert.match(stdout, /^Usage: polyport serve/);
});

/**
 * A watcher: counts calls of `os.networkInterfaces()` (the bundle requires node:os after this
 * replaced it, so it calls the wrapper) and tells whether node:crypto was loaded.
 */
const WATCH = `const os = require('node:os');
const list = os.networkInterfaces;
let listed = 0;
os.networkInterfaces = function (...args) { listed++; return list.apply(this, args); };
process.on('exit', () => {
  const crypto = process.moduleLoadList.includes('NativeModule crypto');
  require('node:fs').writeSync(2, '\\n' + JSON.stringify({ listed, crypto }) + '\\n');
});
`;

test('the bundled polyport dig asks its question without listing the network interfaces or loading node:crypto', async (t) => {
  const server = await startLive();
  t.after(() => server.stop());
  const { stdout, report } = await watched('watch', WATCH, [
    'dig',
    '@127.0.0.1',
    '-p',
    String(server.port),
    'www.example.test',
    '+short',
  ]);
  assert.match(stdout, /^\d+\.\d+\.\d+\.\d+\n/, 'dig printed the address');
  // has_ipv6 is computed only where it is read; a DNS id comes from Web Crypto's global generator.
  assert.deepEqual(report, {
    listed: 0,
    crypto: false,
  });
});

test('dig --config FILE finds its server in the config without loading the rest of the host: no logger or metrics package', async (t) => {
  const server = await startLive();
  t.after(() => server.stop());
  const config = join(dir, 'dig-config.toml');
  writeFileSync(config, `[dns]\nport = ${server.port}\n`);
  // The config's schema is every service's; the host's logger (pino) and metrics (prom-client)
  // are serve's alone.
  const watcher = `process.on('exit', () => {
    const packages = Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]);
    const loaded = ['pino', 'prom-client'].filter((name) => packages.includes(name));
    require('node:fs').writeSync(2, '\\n' + JSON.stringify(loaded) + '\\n');
  });`;
  const { stdout, report } = await watched<string[]>('config-packages', watcher, [
    'dig',
    '--config',
    config,
    'www.example.test',
    '+short',
  ]);
  assert.match(stdout, /^\d+\.\d+\.\d+\.\d+\n/, 'dig asked the server the config names');
  assert.deepEqual(report, []);
});

/**
 * A watcher: which of the built-ins the socket layer loads only at their first use
 * (src/socket/load-builtin.ts, monotonic-ms.ts) the command loaded, and node:fs/promises, which
 * loads a dozen modules more (readline's among them) that no transfer needs.
 */
const LAZY_BUILTINS = `const lazy = ['dgram', 'dns', 'dns/promises', 'perf_hooks', 'fs/promises'];
process.on('exit', () => {
  const loaded = lazy.filter((name) => process.moduleLoadList.includes('NativeModule ' + name));
  require('node:fs').writeSync(2, '\\n' + JSON.stringify(loaded) + '\\n');
});
`;

/** Runs the bundle with `args` and {@link LAZY_BUILTINS}: which of those it loaded. */
async function lazyBuiltinsLoaded(args: readonly string[]): Promise<string[]> {
  return (await watched<string[]>('lazy-builtins', LAZY_BUILTINS, args)).report;
}

test('the bundled polyport ftp put uploads over TCP without loading node:dgram, node:dns, node:perf_hooks or node:fs/promises', async (t) => {
  const server = await startFixture();
  t.after(() => server.stop());
  const file = join(dir, 'upload.txt');
  writeFileSync(file, 'uploaded\n');
  const loaded = await lazyBuiltinsLoaded([
    'ftp',
    'put',
    file,
    `ftp://demo:demo@127.0.0.1:${server.port}/`,
  ]);
  assert.equal(readFileSync(join(server.root, 'upload.txt'), 'utf8'), 'uploaded\n');
  assert.deepEqual(loaded, []);
});

test('the bundled polyport http -o downloads over TCP without loading node:dgram, node:dns, node:perf_hooks or node:fs/promises', async (t) => {
  const server = await startTestServer([
    routeHandler('GET', '/hello', (_q, r) => r.send('hello\n')),
  ]);
  t.after(() => server.stop());
  const file = join(dir, 'hello.txt');
  const loaded = await lazyBuiltinsLoaded([
    'http',
    `http://127.0.0.1:${server.port}/hello`,
    '-o',
    file,
  ]);
  assert.equal(readFileSync(file, 'utf8'), 'hello\n');
  assert.deepEqual(loaded, []);
});

test('the bundled polyport dig asks over UDP, which loads node:dgram, but neither node:dns nor node:perf_hooks', async (t) => {
  const server = await startLive();
  t.after(() => server.stop());
  const loaded = await lazyBuiltinsLoaded([
    'dig',
    '@127.0.0.1',
    '-p',
    String(server.port),
    'www.example.test',
  ]);
  assert.deepEqual(loaded, ['dgram']);
});

/** The bundle's code files: the executable and the parts in commands/. */
function codeFiles(folder: string): string[] {
  const parts = join(folder, 'commands');
  return [
    join(folder, 'polyport.cjs'),
    ...readdirSync(parts)
      .filter((name) => name.endsWith('.cjs'))
      .map((name) => join(parts, name)),
  ];
}

test('every file of the bundle is CommonJS, and dig loads none of the modules an ES module facade would', async (t) => {
  const files = codeFiles(dir);
  assert.ok(
    files.some((file) => file.endsWith('/commands/dns-ask-dig.cjs')),
    files.join(' '),
  );
  for (const file of files) {
    // An ES module's import or export statement, which CommonJS cannot run.
    assert.doesNotMatch(readFileSync(file, 'utf8'), /^(?:import|export) /m, file);
  }
  const server = await startLive();
  t.after(() => server.stop());
  // Node's ES module view of node:fs reads fs.ReadStream, which loads the file streams; of
  // node:util, util.MIMEType, which loads internal/mime. Their exports are read only where used.
  // Counted from when the bundle starts: Node 24 has internal/mime loaded before.
  const { stdout, report } = await watched(
    'facades',
    `const before = new Set(process.moduleLoadList);
    process.on('exit', () => {
      const loaded = ['internal/fs/streams', 'internal/mime'].filter((m) =>
        !before.has('NativeModule ' + m) && process.moduleLoadList.includes('NativeModule ' + m));
      require('node:fs').writeSync(2, '\\n' + JSON.stringify(loaded) + '\\n');
    });`,
    ['dig', '@127.0.0.1', '-p', String(server.port), 'www.example.test', '+short'],
  );
  assert.match(stdout, /^\d+\.\d+\.\d+\.\d+\n/);
  assert.deepEqual(report, []);
});

/** Whether this Node's UDP sockets have `bindSync()` (24 and later), which loads no `cluster`. */
const HAS_BIND_SYNC =
  typeof (DgramSocket.prototype as { bindSync?: unknown }).bindSync === 'function';

test('output goes straight to the descriptor: dig --help loads no net or streams, nor does a dig question where UDP binds without cluster', async (t) => {
  const server = await startLive();
  t.after(() => server.stop());
  // What process.stdout on a pipe loads (a net.Socket), and what node:dgram's bind() loads.
  const watcher = `const before = new Set(process.moduleLoadList);
    process.on('exit', () => {
      const loaded = ['net', 'stream', 'cluster', 'child_process'].filter((m) =>
        !before.has('NativeModule ' + m) && process.moduleLoadList.includes('NativeModule ' + m));
      require('node:fs').writeSync(2, '\\n' + JSON.stringify(loaded) + '\\n');
    });`;
  const help = await watched('help-modules', watcher, ['dig', '--help']);
  assert.match(help.stdout, /^Usage: polyport dig /);
  assert.deepEqual(help.report, []);
  const question = ['dig', '@127.0.0.1', '-p', String(server.port), 'www.example.test', '+short'];
  const dig = await watched('dig-modules', watcher, question);
  assert.match(dig.stdout, /^\d+\.\d+\.\d+\.\d+\n/);
  // Before Node 24, node:dgram's bind loads cluster, and with it child_process, net and streams.
  if (HAS_BIND_SYNC) assert.deepEqual(dig.report, []);
  else assert.ok((dig.report as string[]).includes('cluster'), JSON.stringify(dig.report));
});

/** Whether this Node has `module.enableCompileCache()` (22.1 and later). */
const HAS_COMPILE_CACHE = ((major, minor) => major > 22 || (major === 22 && minor >= 1))(
  ...(process.versions.node.split('.').map(Number) as [number, number]),
);

/** Runs `fn` with a fresh folder for $XDG_CACHE_HOME, removed afterwards. */
async function withCacheHome(fn: (cacheHome: string) => Promise<void>): Promise<void> {
  const cacheHome = mkdtempSync(join(tmpdir(), 'polyport-cache-'));
  try {
    await fn(cacheHome);
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
}

test('the bundled polyport keeps compiled code in the user cache folder only on Nodes that have a compile cache', async () => {
  await withCacheHome(async (cacheHome) => {
    const { NODE_COMPILE_CACHE: _, NODE_DISABLE_COMPILE_CACHE: __, ...env } = process.env;
    const { stdout } = await polyport(['dig', '--help'], {
      env: { ...env, XDG_CACHE_HOME: cacheHome },
    });
    assert.match(stdout, /^Usage: polyport dig /);
    const cache = join(cacheHome, 'polyport/compile-cache');
    assert.equal(existsSync(cache), HAS_COMPILE_CACHE, `${cache} exists only on Node >= 22.1`);
    if (HAS_COMPILE_CACHE) {
      // Node keeps one folder per version and V8 flags, holding an entry per module compiled.
      const entries = readdirSync(cache).flatMap((dir) => readdirSync(join(cache, dir)));
      assert.ok(entries.length > 0, 'the cache holds the modules the command loaded');
    }
  });
});

test('NODE_DISABLE_COMPILE_CACHE=1 keeps the bundled polyport from writing a compile cache', async () => {
  await withCacheHome(async (cacheHome) => {
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '1' };
    const { stdout } = await polyport(['--version'], { env });
    assert.equal(stdout.trim(), PACKAGE.version);
    assert.equal(existsSync(join(cacheHome, 'polyport')), false);
  });
});

test('a cache folder that cannot be made does not change what the bundled polyport prints', async () => {
  await withCacheHome(async (cacheHome) => {
    // A file where the folder would go: mkdir fails even for root, as a read-only place does.
    const blocked = join(cacheHome, 'not-a-folder');
    writeFileSync(blocked, '');
    const env = { ...process.env, XDG_CACHE_HOME: blocked };
    const { stdout, stderr } = await polyport(['dig', '--help'], { env });
    assert.match(stdout, /^Usage: polyport dig /);
    assert.equal(stderr, '');
  });
});
