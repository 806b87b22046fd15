/**
 * Regenerates the parts of docs/ that are generated from code: the config reference.
 * Run with `npm run docs`; a test checks the committed file is up to date.
 */
import { writeFileSync } from 'node:fs';
import { schemaReference } from '../src/host/config/index.js';

writeFileSync(new URL('../docs/config-reference.md', import.meta.url), schemaReference());
