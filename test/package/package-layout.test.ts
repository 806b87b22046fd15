import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);
const json = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, root), 'utf8')) as Record<string, unknown>;

test("import 'polyport' is the socket API, as 'polyport/socket' is", () => {
  const exports = json('package.json').exports as Record<string, unknown>;
  assert.deepEqual(exports['.'], exports['./socket']);
  // Resolved as a user's import is (the package refers to itself by name through its exports).
  assert.equal(import.meta.resolve('polyport'), import.meta.resolve('polyport/socket'));
});

test('the shipped source maps carry their sources, since src/ is not in the package', () => {
  const files = json('package.json').files as string[];
  const build = json('tsconfig.build.json').compilerOptions as Record<string, unknown>;
  assert.equal(build.sourceMap, true);
  // A map whose "sources" name ../../src/... files that are not shipped points at nothing.
  assert.ok(
    build.inlineSources === true || files.includes('src'),
    'tsconfig.build.json needs inlineSources (or package.json files needs src)',
  );
  assert.notEqual(build.declarationMap, true, 'declaration maps would point at src/ too');
});
