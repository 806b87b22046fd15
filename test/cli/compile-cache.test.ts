import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileCacheDirectory } from '../../src/cli/compile-cache.js';

const home = (): string => '/home/ada';

test('compileCacheDirectory() puts the cache in $XDG_CACHE_HOME, else ~/.cache, on Linux', () => {
  assert.equal(
    compileCacheDirectory({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', home),
    '/var/cache/ada/polyport/compile-cache',
  );
  assert.equal(compileCacheDirectory({}, 'linux', home), '/home/ada/.cache/polyport/compile-cache');
  assert.equal(
    compileCacheDirectory({ XDG_CACHE_HOME: '' }, 'linux', home),
    '/home/ada/.cache/polyport/compile-cache',
  );
});

test('compileCacheDirectory() ignores a relative $XDG_CACHE_HOME, as the XDG spec says', () => {
  assert.equal(
    compileCacheDirectory({ XDG_CACHE_HOME: 'cache' }, 'linux', home),
    '/home/ada/.cache/polyport/compile-cache',
  );
});

test('compileCacheDirectory() uses ~/Library/Caches on macOS and %LOCALAPPDATA% on Windows', () => {
  assert.equal(
    compileCacheDirectory({ XDG_CACHE_HOME: '/x' }, 'darwin', home),
    '/home/ada/Library/Caches/polyport/compile-cache',
  );
  assert.match(
    compileCacheDirectory({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', home) ?? '',
    /^C:\\Users\\ada\\AppData\\Local[\\/]polyport[\\/]compile-cache$/,
  );
});

test('compileCacheDirectory() gives no folder when none is known', () => {
  assert.equal(compileCacheDirectory({}, 'win32', home), undefined);
  assert.equal(
    compileCacheDirectory({}, 'linux', () => ''),
    undefined,
  );
});
