import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultMode, formatMode, parseMode } from '../../../src/protocols/ftp/codec/file-entry.js';

test('formatMode() writes ls -l mode strings with setuid, setgid and sticky bits', () => {
  assert.equal(formatMode('file', 0o644), '-rw-r--r--');
  assert.equal(formatMode('dir', 0o755), 'drwxr-xr-x');
  assert.equal(formatMode('link', 0o777), 'lrwxrwxrwx');
  assert.equal(formatMode('dir', 0o1777), 'drwxrwxrwt');
  assert.equal(formatMode('file', 0o4755), '-rwsr-xr-x');
  assert.equal(formatMode('file', 0o6644), '-rwSr-Sr--');
  assert.equal(formatMode('dir', 0o1770), 'drwxrwx--T');
});

test('parseMode() reads every mode formatMode() writes', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('file' as const, 'dir' as const, 'link' as const),
      fc.integer({ min: 0, max: 0o7777 }),
      (type, mode) => {
        assert.deepEqual(parseMode(formatMode(type, mode)), { type, mode });
      },
    ),
  );
  assert.equal(parseMode('crw-rw-rw-')?.type, 'other');
  assert.equal(parseMode('-rw-r--r--x'), null);
  assert.equal(parseMode('-rw-r--r-'), null);
});

test('defaultMode() gives what a 022 umask gives', () => {
  assert.equal(defaultMode('file'), 0o644);
  assert.equal(defaultMode('dir'), 0o755);
  assert.equal(defaultMode('link'), 0o777);
});
