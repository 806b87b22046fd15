/**
 * The module hook `record-imports.mjs` registers: it runs in the loader's own thread, so it
 * writes each resolved URL to the file at once rather than posting it back.
 */
import { appendFileSync } from 'node:fs';

/** Node's `resolve` hook: resolves as the rest of the chain does and records the answer. */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const file = process.env.RECORD_IMPORTS_TO;
  if (file) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
