#!/usr/bin/env node
/**
 * The `polyport` executable: turns on what must come before any other module loads, then runs
 * the command line ({@link runProcess}).
 */
import { enableCompileCache } from './compile-cache.js';

// The built executable is bundled with linked source maps (scripts/bundle-cli.mjs): with them on,
// a POLYPORT_DEBUG stack trace names src/ lines. Node maps only the files it loads after this,
// hence the dynamic import below; and only then, as reading the maps costs start-up time.
if (process.env.POLYPORT_DEBUG === '1') process.setSourceMapsEnabled(true);
// Before the command line's modules load, so they are compiled from (and kept in) the cache. No
// top-level await: the bundle is CommonJS (scripts/bundle-cli.mjs).
void enableCompileCache().then(async () => (await import('./run-process.js')).runProcess());
