import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { schemaReference } from '../../src/host/config/index.js';

test('docs/config-reference.md matches the schema (run `npm run docs` after changing it)', () => {
  const committed = readFileSync(
    new URL('../../docs/config-reference.md', import.meta.url),
    'utf8',
  );
  assert.equal(committed, schemaReference());
});
