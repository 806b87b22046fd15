/**
 * `--baseline REF`: polyport as it was at a git revision, run side by side with today's tree in
 * the same run, so "before/after" is one table on one (noisy) machine rather than two runs
 * compared by hand.
 *
 * The revision is checked out once into a detached git worktree under the system's temp folder;
 * it shares this tree's `node_modules` and native addon build (`build/`), so nothing is
 * installed for it; its TypeScript is compiled to its own `dist/`, which its benchmark servers
 * import as today's do (users run the compiled package). The worktree is removed when the run
 * ends.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** This checkout's root (bench/lib/ is two levels down). */
const repo = resolve(import.meta.dirname, '..', '..');

/** The baseline, once chosen: its revision as given, its short commit and its worktree. */
let baseline: { ref: string; commit: string; tree: string } | undefined;

/**
 * Checks `ref` out into a temporary worktree for the polyport servers of every benchmark to run
 * beside today's. Call once, before any benchmark starts.
 * @param ref a git revision (`HEAD~5`, a commit, a tag).
 * @throws {Error} when git cannot resolve or check out the revision.
 * @example useBaseline('47ccf8e');
 */
export function useBaseline(ref: string): void {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: 'pipe' }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--short', `${ref}^{commit}`);
  } catch {
    throw new Error(`--baseline ${ref}: not a revision of this repository`);
  }
  const tree = join(mkdtempSync(join(tmpdir(), 'polyport-bench-baseline-')), commit);
  git('worktree', 'add', '--detach', '--quiet', tree, commit);
  for (const shared of ['node_modules', 'build']) {
    if (existsSync(join(repo, shared))) symlinkSync(join(repo, shared), join(tree, shared));
  }
  baseline = { ref, commit, tree };
  process.once('exit', removeBaseline);
  // The compiled package only: the CLI bundle is for the defaults section, which has no baseline.
  execFileSync(
    process.execPath,
    [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: tree, stdio: 'inherit' },
  );
}

/** Removes the baseline's worktree (also at exit). */
export function removeBaseline(): void {
  if (baseline === undefined) return;
  const { tree } = baseline;
  baseline = undefined;
  try {
    execFileSync('git', ['-C', repo, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' });
  } catch {
    rmSync(tree, { recursive: true, force: true });
  }
}

/**
 * The baseline chosen with {@link useBaseline}, if any.
 * @returns its row label (`before 47ccf8e`) and a function that maps a file of this checkout to
 *   the same file in the baseline's worktree.
 */
export function baselineTree(): { label: string; file: (path: string) => string } | undefined {
  if (baseline === undefined) return undefined;
  const { commit, tree } = baseline;
  return { label: `before ${commit}`, file: (path) => join(tree, relative(repo, path)) };
}
