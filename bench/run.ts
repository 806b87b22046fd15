/**
 * `npm run bench`: runs every benchmark, each comparing polyport (with its accelerators on and
 * off) with reference implementations side by side in this one run, prints the tables and writes
 * them as JSON under bench/results/.
 * Usage: node --import tsx bench/run.ts [--node PATH|MAJOR] [--baseline REF] [name ...]
 *   (names: echo, dns, http, ftp, mail, defaults, workers). `--node` runs the Node servers — polyport's, node:net's
 *   and node:http's — on another Node binary, given by path or by major (found in
 *   `$POLYPORT_NODE_CACHE`, default `~/.cache/polyport/node`, where
 *   `node scripts/node-matrix.mjs install MAJOR` puts it); the load generators stay on this Node.
 *   `--baseline REF` adds polyport as it was at git revision REF to every table, run side by side
 *   with today's tree (rows "polyport, before <commit>"): before/after in one run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDefaultsBenchmark } from './defaults/defaults-bench.js';
import { runDnsBenchmark } from './dns/dns-bench.js';
import { runEchoBenchmark } from './echo/echo-bench.js';
import { runFtpBenchmark } from './ftp/ftp-bench.js';
import { runHttpBenchmark } from './http/http-bench.js';
import { baselineTree, useBaseline } from './lib/baseline.js';
import { serverNode, useServerNode } from './lib/server-node.js';
import { runMailBenchmark } from './mail/mail-bench.js';
import { runWorkersBenchmark } from './workers/workers-bench.js';

const benches: Record<string, () => Promise<unknown>> = {
  echo: runEchoBenchmark,
  dns: runDnsBenchmark,
  http: runHttpBenchmark,
  ftp: runFtpBenchmark,
  mail: runMailBenchmark,
  defaults: runDefaultsBenchmark,
  workers: runWorkersBenchmark,
};
const { values, positionals } = parseArgs({
  options: { node: { type: 'string' }, baseline: { type: 'string' } },
  allowPositionals: true,
});
const names = positionals.length > 0 ? positionals : Object.keys(benches);
const unknown = names.filter((name) => benches[name] === undefined);
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}\n`,
  );
  process.exit(2);
}
if (values.node !== undefined) {
  try {
    useServerNode(values.node);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
if (values.baseline !== undefined) {
  try {
    useBaseline(values.baseline);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
process.stdout.write(`Node servers on ${serverNode().version} (${serverNode().path})\n`);
const before = baselineTree();
if (before !== undefined) process.stdout.write(`polyport also as it was: rows "${before.label}"\n`);
const results: Record<string, unknown> = {};
for (const name of names) results[name] = await benches[name]!();
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      node: process.version,
      serverNode: serverNode(),
      date: new Date().toISOString(),
      results,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`\nresults written to ${file}\n`);
