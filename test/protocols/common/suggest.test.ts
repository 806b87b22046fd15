import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { editDistance, suggest } from '../../../src/protocols/common/suggest.js';

test('editDistance() counts insertions, deletions, substitutions and adjacent swaps', () => {
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('port', 'port'), 0);
  assert.equal(editDistance('port', 'prot'), 1);
  assert.equal(editDistance('htp', 'http'), 1);
  assert.equal(editDistance('http', 'htp'), 1);
  assert.equal(editDistance('ftp', 'http'), 2);
  assert.equal(editDistance('', 'abc'), 3);
});

test('editDistance() is symmetric and zero only for equal strings', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      assert.equal(editDistance(a, b), editDistance(b, a));
      assert.equal(editDistance(a, b) === 0, a === b);
      assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
    }),
  );
});

test('suggest() picks the nearest candidate, ignoring case and preferring a shared start', () => {
  assert.equal(suggest('PORTOFFSET', ['portOffset', 'dataDir']), 'portOffset');
  assert.equal(suggest('htp', ['ftp', 'http']), 'http');
  assert.equal(suggest('gopher', ['ftp', 'http']), undefined);
});
