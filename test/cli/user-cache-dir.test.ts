import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userCacheDir } from '../../src/cli/user-cache-dir.js';

const home = (): string => '/home/ada';

test('userCacheDir() is $XDG_CACHE_HOME/polyport when that is absolute, on every system', () => {
  assert.equal(
    userCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', home),
    '/var/cache/ada/polyport',
  );
  assert.equal(
    userCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }, 'darwin', home),
    '/var/cache/ada/polyport',
  );
});

test('userCacheDir() ignores an empty or relative $XDG_CACHE_HOME and uses ~/.cache', () => {
  assert.equal(userCacheDir({}, 'linux', home), '/home/ada/.cache/polyport');
  assert.equal(userCacheDir({ XDG_CACHE_HOME: '' }, 'linux', home), '/home/ada/.cache/polyport');
  assert.equal(
    userCacheDir({ XDG_CACHE_HOME: 'cache' }, 'linux', home),
    '/home/ada/.cache/polyport',
  );
});

test('userCacheDir() uses ~/Library/Caches on macOS and %LOCALAPPDATA% on Windows', () => {
  assert.equal(userCacheDir({}, 'darwin', home), '/home/ada/Library/Caches/polyport');
  assert.match(
    userCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', home),
    /^C:\\Users\\ada\\AppData\\Local[\\/]polyport$/,
  );
});
