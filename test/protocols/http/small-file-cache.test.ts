import assert from 'node:assert/strict';
import type { Stats } from 'node:fs';
import { test } from 'node:test';
import {
  type CachedFile,
  SmallFileCache,
} from '../../../src/protocols/http/server/small-file-cache.js';

function entry(name: string, size: number, ino = 1): CachedFile {
  return {
    statPath: `/r/${name}`,
    realPath: `/r/${name}`,
    dev: 1,
    ino,
    size,
    mtimeMs: 1000,
    etag: 'W/"x"',
    lastModified: new Date(1000),
    lastModifiedText: 'x',
    type: 'text/plain',
    bytes: Buffer.alloc(size),
  };
}

const same =
  (ino = 1) =>
  (path: string): Stats | undefined =>
    ({ dev: 1, ino, size: Number(path.split('-')[1] ?? 0), mtimeMs: 1000 }) as Stats;

test('SmallFileCache returns an entry while the file is unchanged', () => {
  const cache = new SmallFileCache({ maxEntries: 4, maxBytes: 1000 });
  cache.store('/a', entry('a-10', 10));
  assert.equal(cache.lookup('/a', same())?.realPath, '/r/a-10');
});

test('SmallFileCache drops an entry whose inode, size or presence changed', () => {
  const cache = new SmallFileCache({ maxEntries: 4, maxBytes: 1000 });
  cache.store('/a', entry('a-10', 10));
  assert.equal(cache.lookup('/a', same(2)), undefined);
  assert.equal(cache.size, 0);
  cache.store('/b', entry('b-10', 10));
  assert.equal(
    cache.lookup('/b', () => undefined),
    undefined,
  );
});

test('SmallFileCache evicts the least recently used entries beyond its limits', () => {
  const cache = new SmallFileCache({ maxEntries: 2, maxBytes: 25 });
  cache.store('/a', entry('a-10', 10));
  cache.store('/b', entry('b-10', 10));
  cache.lookup('/a', same());
  cache.store('/c', entry('c-10', 10));
  assert.equal(cache.size, 2);
  assert.equal(cache.lookup('/b', same()), undefined);
  assert.ok(cache.lookup('/a', same()));
  cache.store('/big', entry('big-30', 30));
  assert.equal(cache.lookup('/big', same()), undefined);
});

test('SmallFileCache refuses negative limits', () => {
  assert.throws(() => new SmallFileCache({ maxEntries: -1, maxBytes: 0 }), RangeError);
});

test('SmallFileCache with validMs trusts an unchanged file that long, then stats again', () => {
  let clock = 1000;
  const cache = new SmallFileCache({
    maxEntries: 4,
    maxBytes: 1000,
    validMs: 50,
    now: () => clock,
  });
  cache.store('/a', entry('a-10', 10));
  let stats = 0;
  const counting = (ino: number) => (path: string) => {
    stats++;
    return same(ino)(path);
  };
  // Stored at 1000: trusted until 1050 without a stat, even though the file changed meanwhile.
  clock = 1049;
  assert.ok(cache.lookup('/a', counting(2)));
  assert.equal(stats, 0);
  clock = 1050;
  assert.equal(cache.lookup('/a', counting(2)), undefined);
  assert.equal(stats, 1);
  assert.equal(cache.size, 0);
});

test('SmallFileCache with validMs restarts the window at each stat that finds no change', () => {
  let clock = 0;
  const cache = new SmallFileCache({
    maxEntries: 4,
    maxBytes: 1000,
    validMs: 10,
    now: () => clock,
  });
  cache.store('/a', entry('a-10', 10));
  let stats = 0;
  const counting = (path: string) => {
    stats++;
    return same()(path);
  };
  clock = 10;
  assert.ok(cache.lookup('/a', counting));
  clock = 19;
  assert.ok(cache.lookup('/a', counting));
  assert.equal(stats, 1);
  clock = 20;
  assert.ok(cache.lookup('/a', counting));
  assert.equal(stats, 2);
});

test('SmallFileCache without validMs stats on every lookup', () => {
  const cache = new SmallFileCache({ maxEntries: 4, maxBytes: 1000 });
  cache.store('/a', entry('a-10', 10));
  let stats = 0;
  for (let i = 0; i < 3; i++) {
    cache.lookup('/a', (path) => {
      stats++;
      return same()(path);
    });
  }
  assert.equal(stats, 3);
  assert.throws(() => new SmallFileCache({ maxEntries: 1, maxBytes: 1, validMs: -1 }), RangeError);
});

test('SmallFileCache.lookupAsync() shares one stat among lookups of a file made while it runs', async () => {
  const cache = new SmallFileCache({ maxEntries: 4, maxBytes: 1000 });
  cache.store('/a', entry('a-10', 10));
  let stats = 0;
  const slowStat = async (path: string): Promise<Stats | undefined> => {
    stats++;
    await new Promise((resolve) => setImmediate(resolve));
    return same()(path);
  };
  const hits = await Promise.all(
    Array.from({ length: 50 }, () => cache.lookupAsync('/a', slowStat)),
  );
  assert.ok(hits.every((hit) => hit?.realPath === '/r/a-10'));
  assert.equal(stats, 1);
  // The next turn stats again: an edit made since is seen by the next request.
  await cache.lookupAsync('/a', slowStat);
  assert.equal(stats, 2);
});
