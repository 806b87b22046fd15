/**
 * Loaded with `node --import`: appends the URL of every module the process resolves, one a line,
 * to the file named by `RECORD_IMPORTS_TO`, so a test can see which modules a command loads
 * without timing anything. (On Node 20 a hook does not see `require()` inside a CommonJS
 * package, only each package's entry as imported from ESM, which is what the tests check.)
 */
import { register } from 'node:module';

register('./record-imports-hook.mjs', import.meta.url);
