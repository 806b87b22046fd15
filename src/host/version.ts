/**
 * polyport's version, read once from package.json.
 */
import { readFileSync } from 'node:fs';

/** polyport's version, from package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
