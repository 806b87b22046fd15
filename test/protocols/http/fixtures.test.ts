import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { chunkings } from '../../../src/testing/index.js';
import { loadFixtures, replay } from './support/fixtures.js';

const FIXTURES = new URL('../../fixtures/http/', import.meta.url);
/** Lower bounds, so that losing fixture files or sections is noticed (5 files, 123 today). */
const MIN_FILES = 5;
const MIN_FIXTURES = 120;

const fixtures = loadFixtures();

test('every section of every Markdown file in test/fixtures/http/ is loaded as a fixture', () => {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.md'))
    .sort();
  assert.ok(files.length >= MIN_FILES, `${files.length} fixture files, expected ${MIN_FILES}+`);
  for (const file of files) {
    const sections = readFileSync(new URL(file, FIXTURES), 'utf8').match(/^## /gm)?.length ?? 0;
    assert.ok(sections > 0, `${file} holds no fixture`);
    assert.equal(fixtures.filter((f) => f.file === file).length, sections, file);
  }
  assert.deepEqual([...new Set(fixtures.map((f) => f.file))].sort(), files);
  assert.ok(
    fixtures.length >= MIN_FIXTURES,
    `${fixtures.length} fixtures, expected ${MIN_FIXTURES}+`,
  );
});

for (const fixture of fixtures) {
  test(`${fixture.file}: ${fixture.title}`, () => {
    for (const { label, cuts } of chunkings(fixture.input)) {
      assert.deepEqual(replay(fixture, cuts), fixture.log, `fed ${label}`);
    }
  });
}
