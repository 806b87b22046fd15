/**
 * The data directory: where writable data lives (the website, the FTP tree, mailboxes, the TLS
 * certificate). On first run it is made from the built-in samples; what is there is never
 * overwritten.
 */
import { cp, mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The folder of built-in sample content shipped with polyport (`samples/` in the package). */
export const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));

/** A sample tree the data directory gets on first run. */
export interface SampleTree {
  /** The folder name under `samples/`. */
  readonly sample: string;
  /** Where it goes. */
  readonly target: string;
}

/**
 * Makes the data directory and copies each sample tree whose target does not exist yet.
 * @returns the targets that were created now (for the start-up message).
 * @example await prepareDataDir('./polyport-data', [{ sample: 'www', target: './polyport-data/www' }]);
 */
export async function prepareDataDir(
  dataDir: string,
  trees: readonly SampleTree[],
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
    created.push(target);
  }
  return created;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
