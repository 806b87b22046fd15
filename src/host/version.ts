/**
 * polyport's version, read once from package.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package's own name finds its root from src/ (tsx), dist/ and the bundled executable alike.
const PACKAGE_JSON = createRequire(import.meta.url).resolve('polyport/package.json');

/** polyport's version, from package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }
).version;
