import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluateIfRange, parseRange } from '../../../src/protocols/http/codec/byte-range.js';

test('parseRange() serves first-last, first- and -suffix ranges', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), {
    type: 'partial',
    start: 0,
    end: 99,
    length: 100,
    contentRange: 'bytes 0-99/1000',
  });
  assert.deepEqual(parseRange('bytes=900-', 1000), {
    type: 'partial',
    start: 900,
    end: 999,
    length: 100,
    contentRange: 'bytes 900-999/1000',
  });
  assert.deepEqual(parseRange('bytes=-100', 1000), {
    type: 'partial',
    start: 900,
    end: 999,
    length: 100,
    contentRange: 'bytes 900-999/1000',
  });
});

test('parseRange() clamps a last position or suffix past the end', () => {
  const r = parseRange('bytes=10-5000', 100);
  assert.ok(r.type === 'partial' && r.end === 99 && r.contentRange === 'bytes 10-99/100');
  const s = parseRange('bytes=-5000', 100);
  assert.ok(s.type === 'partial' && s.start === 0 && s.end === 99);
  const big = parseRange('bytes=0-99999999999999999999999', 10);
  assert.ok(big.type === 'partial' && big.end === 9);
});

test('parseRange() answers unsatisfiable ranges with bytes */size', () => {
  const unsatisfiable = { type: 'unsatisfiable', contentRange: 'bytes */100' };
  assert.deepEqual(parseRange('bytes=100-', 100), unsatisfiable);
  assert.deepEqual(parseRange('bytes=100-200', 100), unsatisfiable);
  assert.deepEqual(parseRange('bytes=-0', 100), unsatisfiable);
  assert.deepEqual(parseRange('bytes=0-', 0), { type: 'unsatisfiable', contentRange: 'bytes */0' });
  assert.deepEqual(parseRange('bytes=-5', 0), { type: 'unsatisfiable', contentRange: 'bytes */0' });
});

test('parseRange() serves the whole representation for absent, foreign, invalid or multiple ranges', () => {
  for (const header of [
    undefined,
    'items=0-5',
    'bytes=5-1',
    'bytes=a-b',
    'bytes=-',
    'bytes=',
    'bytes 0-5',
    'bytes=0-1,5-6',
    'bytes=1-2-3',
    'bytes=+1-2',
  ]) {
    assert.deepEqual(parseRange(header, 100), { type: 'full' }, String(header));
  }
});

test('parseRange() rejects an impossible size with RangeError', () => {
  assert.throws(() => parseRange('bytes=0-1', -1), RangeError);
});

test('parseRange() never returns a range outside the representation', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), fc.nat(10_000), (spec, size) => {
      const r = parseRange(`bytes=${spec}`, size);
      if (r.type === 'partial') {
        assert.ok(r.start >= 0 && r.start <= r.end && r.end < size);
        assert.equal(r.length, r.end - r.start + 1);
      }
    }),
  );
});

test('evaluateIfRange() honours a strongly matching ETag or the exact Last-Modified date', () => {
  const modified = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  assert.equal(evaluateIfRange(undefined, 'W/"a"', modified), true);
  assert.equal(evaluateIfRange('"abc"', '"abc"', undefined), true);
  assert.equal(evaluateIfRange('"abc"', '"abd"', undefined), false);
  assert.equal(evaluateIfRange('W/"abc"', 'W/"abc"', undefined), false);
  assert.equal(evaluateIfRange('"abc"', 'W/"abc"', undefined), false);
  assert.equal(evaluateIfRange('Tue, 02 Jan 2024 03:04:05 GMT', undefined, modified), true);
  assert.equal(evaluateIfRange('Tue, 02 Jan 2024 03:04:06 GMT', undefined, modified), false);
  assert.equal(evaluateIfRange('not a date', undefined, modified), false);
});
