/**
 * The scratch folder the defaults section runs `polyport serve` from: made fresh under the
 * system's temporary folder, with ./polyport-data made by a first start of serve (samples, the
 * TLS certificate), so no measured start pays for that, and removed at the end.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from './polyport-serve.js';

/** The scratch folder and serve's data in it. */
export interface Scratch {
  /** Where serve runs (its cwd), and where its log and the section's files go. */
  readonly dir: string;
  /** ./polyport-data in it: www/ is served over HTTP, ftp/ over FTP. */
  readonly dataDir: string;
  /** Removes the folder and everything in it. */
  remove(): void;
}

/**
 * Makes a scratch folder and has `polyport serve` fill ./polyport-data on a first start (serve
 * copies its samples only into folders that do not exist yet, so the section adds its files
 * after this).
 * @throws {Error} when serve does not start, or made no www/ or ftp/.
 */
export async function makeScratch(): Promise<Scratch> {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-defaults-'));
  // nginx's worker drops root privileges: it must reach its root below this folder.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'polyport-data');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const first = await startServe(dir);
    await first.stop();
    for (const sub of ['www', 'ftp']) {
      if (!existsSync(join(dataDir, sub))) throw new Error(`serve made no ${join(dataDir, sub)}`);
    }
  } catch (err) {
    remove();
    throw err;
  }
  return { dir, dataDir, remove };
}
