/**
 * Where the polyport package is on disk, for what it reads or runs at run time (the samples, the
 * web UI's files, the module a worker process runs).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The package's root folder. Its own name finds it from src/ (tsx), dist/ and the bundled
 * executable alike, where a path relative to the running file would differ.
 * @example join(PACKAGE_ROOT, 'samples');
 */
export const PACKAGE_ROOT = dirname(
  createRequire(import.meta.url).resolve('polyport/package.json'),
);
