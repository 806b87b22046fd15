import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { FtpJail, isInsideRoot } from '../../../src/protocols/ftp/index.js';

function tree(): { base: string; root: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'polyport-jail-')));
  const root = join(base, 'root');
  mkdirSync(join(root, 'pub'), { recursive: true });
  writeFileSync(join(root, 'pub', 'a.txt'), 'a');
  mkdirSync(join(base, 'root-sibling'));
  writeFileSync(join(base, 'root-sibling', 'x'), 'x');
  symlinkSync(join(base, 'root-sibling'), join(root, 'out'));
  symlinkSync(join(root, 'pub'), join(root, 'in'));
  symlinkSync(join(base, 'missing'), join(root, 'dangling'));
  return { base, root };
}

test('FtpJail.existing() resolves paths inside the root and follows links that stay inside', async () => {
  const { root } = tree();
  const jail = await FtpJail.open(root);
  const found = await jail.existing('/pub', 'a.txt');
  assert.deepEqual(found, {
    ok: true,
    value: { virtual: '/pub/a.txt', real: join(root, 'pub', 'a.txt') },
  });
  const viaLink = await jail.existing('/', 'in/a.txt');
  assert.ok(viaLink.ok && viaLink.value.real === join(root, 'pub', 'a.txt'));
});

test('FtpJail.existing() refuses a symlink out of the root and a sibling with the root as prefix', async () => {
  const { root } = tree();
  const jail = await FtpJail.open(root);
  for (const arg of ['out', 'out/x', '../root-sibling/x', '/../../root-sibling/x', 'dangling']) {
    const r = await jail.existing('/', arg);
    assert.equal(r.ok, false, arg);
    if (!r.ok) assert.equal(r.reply.code, 550);
  }
});

test('FtpJail.creatable() allows new names in inside directories and refuses outward links', async () => {
  const { root } = tree();
  const jail = await FtpJail.open(root);
  const fresh = await jail.creatable('/pub', 'new.txt');
  assert.ok(fresh.ok && fresh.value.real === join(root, 'pub', 'new.txt'));
  assert.equal((await jail.creatable('/', 'out/new.txt')).ok, false);
  assert.equal((await jail.creatable('/', 'nope/new.txt')).ok, false);
  assert.equal((await jail.creatable('/', '/')).ok, false);
  // A dangling link is replaced by a rename, never written through.
  assert.equal((await jail.creatable('/', 'dangling')).ok, true);
});

test('FtpJail.toVirtual() maps real paths back and refuses outside ones', async () => {
  const { root, base } = tree();
  const jail = await FtpJail.open(root);
  assert.equal(jail.toVirtual(root), '/');
  assert.equal(jail.toVirtual(join(root, 'pub', 'a.txt')), '/pub/a.txt');
  assert.throws(() => jail.toVirtual(join(base, 'root-sibling')), RangeError);
});

test('FtpJail never resolves any argument to a real path outside the root', async () => {
  const { root } = tree();
  const jail = await FtpJail.open(root);
  const segment = fc.constantFrom(
    '..',
    '.',
    '',
    'pub',
    'in',
    'out',
    'a.txt',
    '%2e%2e',
    '..\\..',
    '~',
    'x',
  );
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { maxLength: 6 }), fc.boolean(), async (parts, absolute) => {
      const arg = `${absolute ? '/' : ''}${parts.join('/')}`;
      for (const r of [await jail.existing('/pub', arg), await jail.creatable('/pub', arg)]) {
        if (r.ok) assert.ok(isInsideRoot(root, r.value.real), `${arg} -> ${r.value.real}`);
      }
    }),
    { numRuns: 200 },
  );
});
