/**
 * vitest for the example in this folder only: polyport's own suite runs on `node:test`
 * (scripts/test.mjs), so vitest gets its own root and file pattern.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['*.vitest.ts'],
  },
});
