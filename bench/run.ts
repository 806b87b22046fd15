/**
 * `npm run bench`: runs every benchmark, each comparing polyport with reference implementations
 * side by side in this one run, prints the tables and writes them as JSON under bench/results/.
 * Usage: node --import tsx bench/run.ts [name ...]   (names: echo, dns, http, ftp, mail)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDnsBenchmark } from './dns/dns-bench.js';
import { runEchoBenchmark } from './echo/echo-bench.js';
import { runFtpBenchmark } from './ftp/ftp-bench.js';
import { runHttpBenchmark } from './http/http-bench.js';
import { runMailBenchmark } from './mail/mail-bench.js';

const benches: Record<string, () => Promise<unknown>> = {
  echo: runEchoBenchmark,
  dns: runDnsBenchmark,
  http: runHttpBenchmark,
  ftp: runFtpBenchmark,
  mail: runMailBenchmark,
};
const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(benches);
const results: Record<string, unknown> = {};
for (const name of names) {
  const bench = benches[name];
  if (bench === undefined) {
    process.stderr.write(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
  results[name] = await bench();
}
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`,
);
process.stdout.write(`\nresults written to ${file}\n`);
