/**
 * The data directory: where writable data lives (the website, the FTP tree, mailboxes, the TLS
 * certificate). On first run it is made from the built-in samples; what is there is never
 * overwritten.
 */
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

/** The folder of built-in sample content shipped with polyport (`samples/` in the package). */
export const SAMPLES_DIR = `${join(PACKAGE_ROOT, 'samples')}/`;

/** A sample tree the data directory gets on first run. */
export interface SampleTree {
  /** The folder name under `samples/`. */
  readonly sample: string;
  /** Where it goes. */
  readonly target: string;
}

/**
 * Makes the data directory and copies each sample tree whose target does not exist yet. In the
 * copied text files (`.html`, `.txt`), each `{{NAME}}` of `values` is replaced, so the sample
 * site names the ports this config really uses (`{{HTTP_PORT}}`, `{{ADMIN_PORT}}`).
 * @param dataDir the data directory.
 * @param trees the sample trees and where they go.
 * @param values what each `{{NAME}}` placeholder becomes.
 * @returns the targets that were created now (for the start-up message).
 * @example await prepareDataDir('./polyport-data', [{ sample: 'www', target: './polyport-data/www' }]);
 */
export async function prepareDataDir(
  dataDir: string,
  trees: readonly SampleTree[],
  values: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  await mkdir(dataDir, { recursive: true });
  const created: string[] = [];
  for (const { sample, target } of trees) {
    if (await exists(target)) continue;
    await cp(`${SAMPLES_DIR}${sample}`, target, {
      recursive: true,
      errorOnExist: false,
      force: false,
    });
    await fillPlaceholders(target, values);
    created.push(target);
  }
  return created;
}

const TEXT_FILES = new Set(['.html', '.txt']);

async function fillPlaceholders(
  dir: string,
  values: Readonly<Record<string, string>>,
): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await fillPlaceholders(path, values);
    else if (entry.isFile() && TEXT_FILES.has(extname(entry.name))) {
      const text = await readFile(path, 'utf8');
      const filled = text.replace(/\{\{([A-Z_]+)\}\}/g, (all, name: string) => values[name] ?? all);
      if (filled !== text) await writeFile(path, filled);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
