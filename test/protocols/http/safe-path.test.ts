import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { targetToSafePath } from '../../../src/protocols/http/server/safe-path.js';

test('targetToSafePath() decodes once and splits off the query', () => {
  assert.deepEqual(targetToSafePath('/docs/a%20b.txt?x=1&y=%2F'), {
    ok: true,
    path: 'docs/a b.txt',
    segments: ['docs', 'a b.txt'],
    trailingSlash: false,
    query: 'x=1&y=%2F',
  });
  const once = targetToSafePath('/%2541');
  assert.ok(once.ok && once.path === '%41');
  const twice = targetToSafePath('/%252e%252e/x');
  assert.ok(twice.ok);
  assert.equal(twice.path, '%2e%2e/x');
});

test('targetToSafePath() maps the root and directories with a trailing slash', () => {
  const root = targetToSafePath('/');
  assert.ok(root.ok && root.path === '' && root.trailingSlash);
  const dir = targetToSafePath('/a//./b/');
  assert.ok(dir.ok && dir.path === 'a/b' && dir.trailingSlash);
});

test('targetToSafePath() decodes UTF-8 names', () => {
  const r = targetToSafePath('/caf%C3%A9');
  assert.ok(r.ok && r.path === 'café');
});

test('targetToSafePath() takes the path of an absolute-form target', () => {
  const r = targetToSafePath('http://example.com/a/b?q');
  assert.ok(r.ok && r.path === 'a/b' && r.query === 'q');
});

test('targetToSafePath() refuses everything that could leave the root', () => {
  const refused: Array<[string, string]> = [
    ['/../etc/passwd', 'dot-dot segment'],
    ['/a/../../b', 'dot-dot segment'],
    ['/%2e%2e/etc/passwd', 'dot-dot segment'],
    ['/%2E%2e/x', 'dot-dot segment'],
    ['/.%2e/x', 'dot-dot segment'],
    ['/a%2f..%2fb', 'encoded slash or backslash'],
    ['/a%2Fb', 'encoded slash or backslash'],
    ['/a%5c..%5cb', 'encoded slash or backslash'],
    ['/a\\b', 'backslash'],
    ['/a%00b', 'NUL byte'],
    ['/a%0ab', 'control character'],
    ['/a%zz', 'malformed percent-escape'],
    ['/a%4', 'malformed percent-escape'],
    ['/%ff', 'invalid UTF-8'],
    ['relative', 'not an absolute path'],
    ['*', 'not an absolute path'],
  ];
  for (const [target, reason] of refused) {
    assert.deepEqual(targetToSafePath(target), { ok: false, reason }, target);
  }
});

test('targetToSafePath() never returns a path with a dot-dot segment, a NUL or a leading slash', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('/', '.', '..', '%2e', '%2f', '%5c', '%00', 'a', '%', '\\', '?'), {
        maxLength: 12,
      }),
      (parts) => {
        const r = targetToSafePath(`/${parts.join('')}`);
        if (!r.ok) return;
        assert.ok(!r.path.startsWith('/'));
        assert.ok(!r.path.includes('\0') && !r.path.includes('\\'));
        assert.ok(!r.segments.includes('..') && !r.segments.some((s) => s.includes('/')));
      },
    ),
  );
});
