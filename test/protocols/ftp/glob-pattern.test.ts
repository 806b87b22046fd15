import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  GlobPattern,
  hasWildcard,
  splitWildcardPath,
} from '../../../src/protocols/ftp/codec/glob-pattern.js';

const matches = (pattern: string, name: string): boolean =>
  GlobPattern.parse(pattern).matches(name);

test('GlobPattern: * matches any run of characters, the empty one too', () => {
  assert.ok(matches('*.txt', 'a.txt'));
  assert.ok(matches('*.txt', '.txt'.padStart(5, 'x')));
  assert.ok(matches('a*', 'a'));
  assert.ok(matches('*', 'anything at all'));
  assert.ok(matches('a*b*c', 'aXXbYYc'));
  assert.ok(matches('a**c', 'abc'));
  assert.ok(!matches('*.txt', 'a.txt.gz'));
  assert.ok(!matches('a*b', 'acb-'));
});

test('GlobPattern: ? matches exactly one character, a non-ASCII one too', () => {
  assert.ok(matches('?.txt', 'a.txt'));
  assert.ok(matches('?.txt', 'é.txt'));
  assert.ok(matches('?.txt', '日.txt'));
  assert.ok(!matches('?.txt', 'ab.txt'));
  assert.ok(!matches('?.txt', '.txt'));
});

test('GlobPattern: [...] matches one character of a set or range, [!...] and [^...] one outside it', () => {
  assert.ok(matches('[ab].txt', 'a.txt'));
  assert.ok(!matches('[ab].txt', 'c.txt'));
  assert.ok(matches('file[0-9][0-9]', 'file42'));
  assert.ok(!matches('file[0-9]', 'filex'));
  assert.ok(matches('[!a]*', 'b.txt'));
  assert.ok(!matches('[!a]*', 'a.txt'));
  assert.ok(matches('[^a]*', 'b.txt'));
  assert.ok(matches('[]x]', ']'), 'a ] first is part of the set');
  assert.ok(matches('[a-]', '-'), 'a - last is literal');
});

test('GlobPattern: an unclosed [ matches itself', () => {
  assert.ok(matches('a[b', 'a[b'));
  assert.ok(!matches('a[b', 'ab'));
});

test('GlobPattern: wildcards do not match a leading dot (hidden files), a literal dot does', () => {
  assert.ok(!matches('*', '.profile'));
  assert.ok(!matches('?profile', '.profile'));
  assert.ok(!matches('[.]profile', '.profile'));
  assert.ok(matches('.*', '.profile'));
  assert.ok(matches('*.txt', 'a.b.txt'));
});

test('GlobPattern: case matters', () => {
  assert.ok(!matches('*.TXT', 'a.txt'));
});

test('GlobPattern gives up a match past maxSteps instead of spending the CPU (CVE-2011-0762 in vsftpd)', () => {
  const name = 'a'.repeat(255);
  const hostile = GlobPattern.parse(`${'*a'.repeat(200)}b`);
  const started = process.hrtime.bigint();
  assert.equal(hostile.matches(name), false);
  assert.ok(process.hrtime.bigint() - started < 100_000_000n, 'stopped early');
  assert.equal(GlobPattern.parse('*b', { maxSteps: 3 }).matches('aaaab'), false);
  assert.equal(GlobPattern.parse('*b', { maxSteps: 100 }).matches('aaaab'), true);
  assert.throws(() => GlobPattern.parse('*', { maxSteps: 0 }), RangeError);
});

test('GlobPattern agrees with a regular expression on random patterns and names', () => {
  const alphabet = fc.constantFrom('a', 'b', '.', '*', '?');
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 8 }),
      fc.array(fc.constantFrom('a', 'b', '.'), { maxLength: 8 }),
      (p, n) => {
        const pattern = p.join('');
        const name = n.join('');
        const regex = { '*': '.*', '?': '.', '.': '\\.', a: 'a', b: 'b' } as Record<string, string>;
        const body = p.map((c) => regex[c]).join('');
        let expected = new RegExp(`^${body}$`, 's').test(name);
        if (name.startsWith('.') && !pattern.startsWith('.')) expected = false;
        assert.equal(matches(pattern, name), expected, `${pattern} ~ ${name}`);
      },
    ),
  );
});

test('hasWildcard() spots *, ? and [', () => {
  assert.ok(hasWildcard('*.txt') && hasWildcard('a?') && hasWildcard('[ab]'));
  assert.ok(!hasWildcard('plain name.txt'));
});

test('splitWildcardPath() splits off a last component with wildcards and nothing else', () => {
  assert.deepEqual(splitWildcardPath('*.txt'), { dir: '', pattern: '*.txt' });
  assert.deepEqual(splitWildcardPath('pub/*.txt'), { dir: 'pub/', pattern: '*.txt' });
  assert.deepEqual(splitWildcardPath('/pub/a?.txt'), { dir: '/pub/', pattern: 'a?.txt' });
  assert.equal(splitWildcardPath('pub/a.txt'), null);
  assert.equal(splitWildcardPath('pub/'), null);
  assert.equal(splitWildcardPath('p*/a.txt'), null);
  assert.equal(splitWildcardPath('p*/*.txt'), null);
});
