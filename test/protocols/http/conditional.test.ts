import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateConditionals, weakEtag } from '../../../src/protocols/http/codec/conditional.js';
import { HttpHeaders } from '../../../src/protocols/http/codec/http-headers.js';

const lastModified = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600));
const etag = weakEtag(1234, lastModified.getTime());
const current = { etag, lastModified };
const at = (s: number) => new Date(Date.UTC(2024, 0, 2, 3, 4, s)).toUTCString();
const h = (...pairs: Array<[string, string]>) => HttpHeaders.from(pairs);

test('weakEtag() derives a weak tag from size and modification time', () => {
  assert.equal(weakEtag(5, 1700000000000), 'W/"5-18bcfe56800"');
  assert.throws(() => weakEtag(-1, 0), RangeError);
});

test('evaluateConditionals() proceeds without conditional fields', () => {
  assert.equal(evaluateConditionals('GET', h(), current), 'proceed');
});

test('evaluateConditionals() answers a matching If-None-Match with 304 for GET and HEAD', () => {
  assert.equal(evaluateConditionals('GET', h(['If-None-Match', etag]), current), 'not-modified');
  assert.equal(
    evaluateConditionals('HEAD', h(['If-None-Match', `"x", ${etag.slice(2)}`]), current),
    'not-modified',
  );
  assert.equal(evaluateConditionals('GET', h(['If-None-Match', '*']), current), 'not-modified');
  assert.equal(evaluateConditionals('GET', h(['If-None-Match', '"other"']), current), 'proceed');
});

test('evaluateConditionals() answers a matching If-None-Match with 412 for other methods', () => {
  assert.equal(
    evaluateConditionals('PUT', h(['If-None-Match', '*']), current),
    'precondition-failed',
  );
});

test('evaluateConditionals() uses If-Modified-Since at one-second precision', () => {
  assert.equal(
    evaluateConditionals('GET', h(['If-Modified-Since', at(5)]), current),
    'not-modified',
  );
  assert.equal(evaluateConditionals('GET', h(['If-Modified-Since', at(4)]), current), 'proceed');
  assert.equal(evaluateConditionals('POST', h(['If-Modified-Since', at(5)]), current), 'proceed');
  assert.equal(
    evaluateConditionals('GET', h(['If-Modified-Since', 'garbage']), current),
    'proceed',
  );
});

test('evaluateConditionals() ignores If-Modified-Since when If-None-Match is present', () => {
  assert.equal(
    evaluateConditionals(
      'GET',
      h(['If-None-Match', '"other"'], ['If-Modified-Since', at(59)]),
      current,
    ),
    'proceed',
  );
});

test('evaluateConditionals() fails If-Match unless a strong match or * is given', () => {
  assert.equal(evaluateConditionals('PUT', h(['If-Match', '*']), current), 'proceed');
  assert.equal(
    evaluateConditionals('PUT', h(['If-Match', etag]), current),
    'precondition-failed',
    'a weak tag never matches strongly',
  );
  const strong = { etag: '"v1"', lastModified };
  assert.equal(evaluateConditionals('PUT', h(['If-Match', '"v0", "v1"']), strong), 'proceed');
  assert.equal(evaluateConditionals('PUT', h(['If-Match', '"v0"']), strong), 'precondition-failed');
});

test('evaluateConditionals() fails If-Unmodified-Since when modified later, unless If-Match is present', () => {
  assert.equal(
    evaluateConditionals('PUT', h(['If-Unmodified-Since', at(4)]), current),
    'precondition-failed',
  );
  assert.equal(evaluateConditionals('PUT', h(['If-Unmodified-Since', at(5)]), current), 'proceed');
  assert.equal(
    evaluateConditionals('PUT', h(['If-Match', '*'], ['If-Unmodified-Since', at(4)]), current),
    'proceed',
  );
});
