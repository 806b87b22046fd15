import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  isInsideRoot,
  parsePathnameReply,
  quotePathname,
  resolveVirtualPath,
  virtualToRealPath,
} from '../../../src/protocols/ftp/codec/virtual-path.js';

function resolved(cwd: string, arg: string, home?: string): string {
  const res = resolveVirtualPath(cwd, arg, home === undefined ? {} : { home });
  assert.ok(res.ok, `${cwd} + ${arg}`);
  return res.value;
}

test('resolveVirtualPath() joins a relative argument to the working directory', () => {
  assert.equal(resolved('/pub', 'a.txt'), '/pub/a.txt');
  assert.equal(resolved('/pub/', 'sub/b'), '/pub/sub/b');
  assert.equal(resolved('/pub', ''), '/pub');
  assert.equal(resolved('/', 'x'), '/x');
});

test('resolveVirtualPath() takes an absolute argument as it is, normalised', () => {
  assert.equal(resolved('/pub', '/etc//passwd/'), '/etc/passwd');
  assert.equal(resolved('/pub', '/'), '/');
  assert.equal(resolved('/pub', '//'), '/');
});

test('resolveVirtualPath() folds . and .. and never climbs above /', () => {
  assert.equal(resolved('/a/b', '..'), '/a');
  assert.equal(resolved('/a/b', './../c/./d/..'), '/a/c');
  assert.equal(resolved('/', '../../..'), '/');
  assert.equal(resolved('/a', '../../../etc/passwd'), '/etc/passwd');
  assert.equal(resolved('/a/../../b', '.'), '/b');
  assert.equal(resolved('/a', '...'), '/a/...');
  assert.equal(resolved('/a', '..x'), '/a/..x');
});

test('resolveVirtualPath() reads ~ and ~/ as the home directory, ~user as a name', () => {
  assert.equal(resolved('/pub', '~', '/home/u'), '/home/u');
  assert.equal(resolved('/pub', '~/docs/../x', '/home/u'), '/home/u/x');
  assert.equal(resolved('/pub', '~'), '/');
  assert.equal(resolved('/pub', '~user'), '/pub/~user');
  assert.equal(resolved('/pub', 'a/~'), '/pub/a/~');
});

test('resolveVirtualPath() answers 501 to a NUL byte', () => {
  const res = resolveVirtualPath('/', 'a\0b');
  assert.equal(!res.ok && res.reply.code, 501);
});

test('resolveVirtualPath() always gives an absolute path without . or .. segments', () => {
  const segment = fc.oneof(
    fc.constantFrom('', '.', '..', '~', '...', 'a', ' '),
    fc.string({ maxLength: 4 }),
  );
  const path = fc.array(segment, { maxLength: 10 }).map((s) => s.join('/'));
  fc.assert(
    fc.property(path, fc.oneof(path, fc.string()), path, (cwd, arg, home) => {
      const res = resolveVirtualPath(`/${cwd}`, arg, { home });
      if (!res.ok) {
        assert.ok(arg.includes('\0') || cwd.includes('\0'));
        return;
      }
      assert.ok(res.value.startsWith('/'), res.value);
      const segments = res.value.split('/').slice(1);
      assert.ok(!segments.includes('..') && !segments.includes('.'), res.value);
      assert.ok(res.value === '/' || !segments.includes(''), res.value);
    }),
  );
});

test('virtualToRealPath() maps under the root and cannot leave it', () => {
  assert.equal(virtualToRealPath('/srv/ftp', '/pub/a.txt'), '/srv/ftp/pub/a.txt');
  assert.equal(virtualToRealPath('/srv/ftp', '/'), '/srv/ftp');
  assert.equal(virtualToRealPath('/srv/ftp', '/../../etc/passwd'), '/srv/ftp/etc/passwd');
  assert.equal(virtualToRealPath('/srv/ftp/', 'a//b/./c/..'), '/srv/ftp/a/b');
  assert.throws(() => virtualToRealPath('srv', '/a'), TypeError);
  assert.throws(() => virtualToRealPath('/srv', '/a\0'), TypeError);
  fc.assert(
    fc.property(fc.string(), (v) => {
      if (v.includes('\0')) return;
      assert.ok(isInsideRoot('/srv/ftp', virtualToRealPath('/srv/ftp', v)));
    }),
  );
});

test('isInsideRoot() tells paths below the root from siblings with a common prefix', () => {
  assert.equal(isInsideRoot('/srv/ftp', '/srv/ftp'), true);
  assert.equal(isInsideRoot('/srv/ftp', '/srv/ftp/a/..b'), true);
  assert.equal(isInsideRoot('/srv/ftp', '/srv/ftp-other'), false);
  assert.equal(isInsideRoot('/srv/ftp', '/srv'), false);
  assert.equal(isInsideRoot('/srv/ftp', '/etc/passwd'), false);
});

test('quotePathname() and parsePathnameReply() double and undouble quotes (RFC 959 appendix II)', () => {
  assert.equal(quotePathname('/say "hi"'), '"/say ""hi"""');
  assert.equal(parsePathnameReply('"/say ""hi""" is the current directory'), '/say "hi"');
  assert.equal(parsePathnameReply('"/" created'), '/');
  assert.throws(() => parsePathnameReply('MKD done'), SyntaxError);
  fc.assert(
    fc.property(fc.string(), (p) => {
      assert.equal(parsePathnameReply(`${quotePathname(p)} is current`), p);
    }),
  );
});
