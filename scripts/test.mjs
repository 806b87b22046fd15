#!/usr/bin/env node
// Runs the test suite with Node's own test runner, loading TypeScript through tsx.
// Usage: node scripts/test.mjs [path-fragment ...] — fragments filter the test files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Lists every `*.test.ts` below `dir`, sorted so runs are reproducible. */
function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out.sort();
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test')).filter(
  (f) => filters.length === 0 || filters.some((frag) => f.includes(frag)),
);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Most tests wait on sockets, not the CPU, so run more files than there are cores.
const concurrency = Math.max(4, availableParallelism() * 2);
// A test that hangs fails after 5 minutes and the whole run is bounded, so CI can never wait
// forever on one file. (Not --test-force-exit: it ends a file before tests that are registered
// after an await, such as fixture-driven ones, have run, and silently drops them.)
// The spec reporter by name: Node picks it only on a terminal (tap otherwise, on Node 20), and
// its closing counts (`ℹ pass N`, `ℹ fail N`, `ℹ skipped N`) are what scripts/node-matrix.mjs
// reads on every Node major.
// The CLI keeps Node's compile cache (and serve's one-liners their data) in the user's cache
// folder: a run of the suite gets a folder of its own, so it neither fills the user's with the
// entries of bundles it makes and deletes nor reads what an earlier run left there.
const cacheHome = mkdtempSync(join(tmpdir(), 'polyport-test-cache-'));
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=300000',
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    timeout: 45 * 60 * 1000,
    killSignal: 'SIGKILL',
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  },
);
rmSync(cacheHome, { recursive: true, force: true });
if (result.error) {
  console.error(`test run stopped: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
