/**
 * The `fixture()` examples of docs/testing.md are real files in examples/testing/, and they pass:
 * the node:test one under Node's runner, the vitest one under vitest, each in its own process
 * as a reader would run it; and the doc's copies are those files.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = 'examples/testing';
const NODE_TEST = `${EXAMPLES}/mail-and-dns.test.ts`;
const VITEST = `${EXAMPLES}/mail-and-dns.vitest.ts`;

/** How a run ended: its exit status and everything it printed. */
interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** Runs Node with `args` from the repository's root; never rejects (the test checks the code). */
function runNode(args: readonly string[]): Promise<Run> {
  // Without it, the child's `--test` would see itself as a file of this run and run nothing.
  // A CI that forces colour (FORCE_COLOR) would colour the runners' summaries; the checks read
  // plain text, so colour is turned off and any escape left is stripped.
  const { NODE_TEST_CONTEXT: _, FORCE_COLOR: __, ...inherited } = process.env;
  const env = { ...inherited, NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env, timeout: 240_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, output: stripVTControlCharacters(`${stdout}${stderr}`) });
      },
    );
  });
}

/**
 * A file as the doc shows it: imported by the package's names (`polyport/testing`,
 * `polyport/mail`) instead of the repository's relative paths.
 */
function published(source: string): string {
  return source
    .replaceAll("'../../src/testing/index.js'", "'polyport/testing'")
    .replace(/'\.\.\/\.\.\/src\/protocols\/(\w+)\/index\.js'/g, "'polyport/$1'")
    .replace(/'\.\.\/\.\.\/src\/(\w+)\/index\.js'/g, "'polyport/$1'");
}

test('docs/testing.md shows each example of examples/testing/ as the file is', () => {
  const doc = readFileSync(join(root, 'docs/testing.md'), 'utf8');
  const shown = new Map(
    [...doc.matchAll(/<!-- (examples\/testing\/\S+) -->\n```ts\n([\s\S]*?)```\n/g)].map(
      (m) => [m[1]!, m[2]!] as const,
    ),
  );
  const examples = readdirSync(join(root, EXAMPLES))
    .filter((name) => name.startsWith('mail-and-dns.'))
    .map((name) => `${EXAMPLES}/${name}`)
    .sort();
  assert.deepEqual(examples, [NODE_TEST, VITEST]);
  assert.deepEqual([...shown.keys()].sort(), examples, 'the doc shows every example once');
  for (const file of examples) {
    assert.equal(shown.get(file), published(readFileSync(join(root, file), 'utf8')), file);
  }
});

test('the node:test example passes under node --import tsx --test', async () => {
  const run = await runNode(['--import', 'tsx', '--test', '--test-reporter=spec', NODE_TEST]);
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /ℹ pass 2\n/, run.output);
  assert.match(run.output, /ℹ fail 0\n/, run.output);
});

test('the vitest example passes under vitest run', async () => {
  const vitest = join(
    dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
    'vitest.mjs',
  );
  const run = await runNode([vitest, 'run', '--config', `${EXAMPLES}/vitest.config.ts`]);
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /Tests\s+2 passed \(2\)/, run.output);
});
