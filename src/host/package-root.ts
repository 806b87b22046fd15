/**
 * Where the polyport package is on disk, for what it reads or runs at run time (package.json, the
 * samples, the web UI's files, the module a worker process runs).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder at or above `start` that holds a package.json: the package's root, as Node
 * finds it to learn that these files are ES modules. A walk of a few `stat`s, where resolving
 * `polyport/package.json` through the exports map cost `polyport --version` milliseconds.
 * @throws {Error} when no folder up to the file system's root has one.
 */
function packageRootAbove(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${start} or above it`);
  }
}

/**
 * The package's root folder, from src/ (tsx), dist/ and the bundled executable's chunks alike,
 * where a fixed path relative to the running file would differ.
 * @example join(PACKAGE_ROOT, 'samples');
 */
export const PACKAGE_ROOT: string = packageRootAbove(dirname(fileURLToPath(import.meta.url)));
