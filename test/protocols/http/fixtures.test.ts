import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixtures, replay } from './support/fixtures.js';

for (const fixture of loadFixtures()) {
  test(`${fixture.file}: ${fixture.title}`, () => {
    assert.deepEqual(replay(fixture, []), fixture.log, 'fed whole');
    const everyByte = Array.from({ length: fixture.input.length }, (_, i) => i);
    assert.deepEqual(replay(fixture, everyByte), fixture.log, 'fed byte by byte');
    for (let i = 0; i <= fixture.input.length; i++) {
      assert.deepEqual(replay(fixture, [i]), fixture.log, `split at ${i}`);
    }
  });
}
