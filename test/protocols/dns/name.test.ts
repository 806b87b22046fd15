import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalName,
  isSubdomain,
  labelCount,
  labelsToName,
  labelToText,
  namesEqual,
  nameToLabels,
  normalizeName,
  parentName,
} from '../../../src/protocols/dns/codec/name.js';

test('normalizeName() drops the trailing dot and keeps the case as given', () => {
  assert.equal(normalizeName('WWW.Example.TEST.'), 'WWW.Example.TEST');
  assert.equal(normalizeName('example.test'), 'example.test');
  assert.equal(normalizeName('.'), '.');
  assert.equal(normalizeName(''), '.');
});

test('normalizeName() rewrites escapes the way the decoder prints them', () => {
  assert.equal(normalizeName('a\\046b.test'), 'a\\.b.test');
  assert.equal(normalizeName('\\097bc.test'), 'abc.test');
  assert.equal(normalizeName('sp\\ ace.test'), 'sp\\032ace.test');
  assert.equal(normalizeName('dot\\..'), 'dot\\.');
});

test('nameToLabels() rejects empty labels, long labels, long names and bad escapes', () => {
  assert.throws(() => nameToLabels('a..b'), RangeError);
  assert.throws(() => nameToLabels('.a'), RangeError);
  assert.throws(() => nameToLabels(`${'x'.repeat(64)}.test`), RangeError);
  assert.doesNotThrow(() => nameToLabels(`${'x'.repeat(63)}.test`));
  const long = Array.from({ length: 4 }, () => 'y'.repeat(63)).join('.');
  assert.throws(() => nameToLabels(long), RangeError); // 4 * 64 + 1 = 257 octets
  assert.throws(() => nameToLabels('a\\256.test'), RangeError);
  assert.throws(() => nameToLabels('a\\'), RangeError);
});

test('nameToLabels() takes characters beyond ASCII as UTF-8 bytes', () => {
  const labels = nameToLabels('café.test');
  assert.deepEqual([...labels[0]!], [...Buffer.from('café', 'utf8')]);
  assert.equal(labelsToName(labels), 'caf\\195\\169.test');
});

test('labelToText() escapes specials with a backslash and other bytes as \\DDD', () => {
  const bytes = Buffer.from([0x61, 0x2e, 0x22, 0x00, 0x7f, 0x40, 0x24, 0x3b, 0x28, 0x29, 0x5c]);
  assert.equal(labelToText(bytes, 0, bytes.length), 'a\\.\\"\\000\\127\\@\\$\\;\\(\\)\\\\');
});

test('canonicalName() and namesEqual() fold ASCII letters only (RFC 4343)', () => {
  assert.equal(canonicalName('WwW.ExAmPlE.TeSt'), 'www.example.test');
  assert.ok(namesEqual('Example.TEST', 'example.test'));
  assert.ok(!namesEqual('example.test', 'example.tesu'));
  assert.equal(canonicalName('ÀB.test'), 'Àb.test');
});

test('isSubdomain() respects label boundaries and escaped dots', () => {
  assert.ok(isSubdomain('www.example.test', 'example.test'));
  assert.ok(isSubdomain('example.test', 'example.test'));
  assert.ok(isSubdomain('anything', '.'));
  assert.ok(!isSubdomain('badexample.test', 'example.test'));
  assert.ok(!isSubdomain('a\\.example.test', 'example.test'));
  assert.ok(isSubdomain('a\\\\.example.test', 'example.test'));
  assert.ok(!isSubdomain('test', 'example.test'));
});

test('parentName() and labelCount() skip escaped dots', () => {
  assert.equal(parentName('www.example.test'), 'example.test');
  assert.equal(parentName('a\\.b.test'), 'test');
  assert.equal(parentName('test'), '.');
  assert.equal(labelCount('a\\.b.test'), 2);
  assert.equal(labelCount('.'), 0);
});
