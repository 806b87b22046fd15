import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  hashPassword,
  isPasswordHash,
  parsePasswordHash,
  UNMATCHABLE_PASSWORD_HASH,
  unmatchablePasswordHash,
  verifyPassword,
} from '../../src/host/password.js';

// Cheap parameters keep the property tests fast; the format and checks are the same.
const cheap = { N: 16, r: 1, p: 1 } as const;

test("hashPassword() writes a self-describing scrypt string with OWASP's minimum parameters (N=2^17, r=8, p=1)", async () => {
  // 128 MiB of scrypt memory: this also proves maxmem is raised above Node's 32 MiB default.
  const hash = await hashPassword('demo');
  assert.match(hash, /^scrypt\$N=131072,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  const parsed = parsePasswordHash(hash);
  assert.equal(parsed.salt.length, 16);
  assert.equal(parsed.hash.length, 32);
  assert.equal(await verifyPassword('demo', hash), true);
});

test('verifyPassword() still accepts a hash stored with the old default N=2^14', async () => {
  // Written by an earlier polyport (password "demo"): a hash keeps its own parameters.
  const stored =
    'scrypt$N=16384,r=8,p=1$dH8guT0CxDyZXJphf9XTyg==$sFIS4mI+VrV1o0d/22XdJ/5ayH8AnxtGbu5jZcCQKL0=';
  assert.equal(await verifyPassword('demo', stored), true);
  assert.equal(await verifyPassword('Demo', stored), false);
});

test('UNMATCHABLE_PASSWORD_HASH costs what a default hash costs, so unknown users take as long', () => {
  const { N, r, p } = parsePasswordHash(UNMATCHABLE_PASSWORD_HASH);
  assert.deepEqual({ N, r, p }, { N: 131072, r: 8, p: 1 });
});

test('hashPassword() salts each hash so equal passwords give different strings', async () => {
  assert.notEqual(await hashPassword('same', cheap), await hashPassword('same', cheap));
});

test('verifyPassword() accepts the right password and refuses a wrong one', async () => {
  const hash = await hashPassword('s3cret');
  assert.equal(await verifyPassword('s3cret', hash), true);
  assert.equal(await verifyPassword('s3creT', hash), false);
  assert.equal(await verifyPassword('', hash), false);
  assert.equal(await verifyPassword(Buffer.from('s3cret'), hash), true);
});

test('verifyPassword() hashes a string as UTF-8', async () => {
  const hash = await hashPassword('pässwörd', cheap);
  assert.equal(await verifyPassword(Buffer.from('pässwörd', 'utf8'), hash), true);
  assert.equal(await verifyPassword(Buffer.from('pässwörd', 'latin1'), hash), false);
});

test('verifyPassword() rejects malformed hash strings with SyntaxError', async () => {
  const good = await hashPassword('x', cheap);
  const [, params, salt, key] = good.split('$');
  const bad = [
    '',
    'demo',
    `bcrypt$${params}$${salt}$${key}`,
    `scrypt$${params}$${salt}`,
    `scrypt$N=16,r=1$${salt}$${key}`,
    `scrypt$N=15,r=1,p=1$${salt}$${key}`, // N not a power of two
    `scrypt$N=1048576,r=32,p=1$${salt}$${key}`, // asks for gigabytes
    `scrypt$${params}$!!notbase64!!$${key}`,
    `scrypt$${params}$${salt}$${key}$extra`,
    `scrypt$${params}$YQ==$${key}`, // one-byte salt
    `scrypt$${params}$${salt}$YWJj`, // three-byte hash
    `scrypt$${params}$${salt}$${key?.slice(0, -1)}`, // not canonical base64
  ];
  for (const hash of bad) {
    assert.equal(isPasswordHash(hash), false, hash);
    await assert.rejects(verifyPassword('x', hash), SyntaxError, hash);
  }
  assert.equal(isPasswordHash(good), true);
});

test('hashPassword() refuses parameters verifyPassword() would not accept', async () => {
  await assert.rejects(hashPassword('x', { N: 1000 }), RangeError);
  await assert.rejects(hashPassword('x', { saltLength: 4 }), RangeError);
  await assert.rejects(hashPassword('x', { keyLength: 8 }), RangeError);
});

test('a hash verifies its own password and no other, for random passwords', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string(), fc.string(), async (password, other) => {
      const hash = await hashPassword(password, cheap);
      assert.equal(await verifyPassword(password, hash), true);
      assert.equal(await verifyPassword(other, hash), other === password);
    }),
    { numRuns: 40 },
  );
});

test('isPasswordHash() never throws on random text', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      assert.equal(typeof isPasswordHash(text), 'boolean');
      assert.equal(typeof isPasswordHash(`scrypt$${text}`), 'boolean');
    }),
  );
});

test('UNMATCHABLE_PASSWORD_HASH is a well-formed hash that the empty password and a guess do not match', async () => {
  assert.equal(isPasswordHash(UNMATCHABLE_PASSWORD_HASH), true);
  assert.equal(await verifyPassword('', UNMATCHABLE_PASSWORD_HASH), false);
  assert.equal(await verifyPassword('demo', UNMATCHABLE_PASSWORD_HASH), false);
});

test('unmatchablePasswordHash() copies the cost of a configured hash, so unknown names cost what known ones do', async () => {
  const old =
    'scrypt$N=16384,r=8,p=1$dH8guT0CxDyZXJphf9XTyg==$sFIS4mI+VrV1o0d/22XdJ/5ayH8AnxtGbu5jZcCQKL0=';
  const dummy = parsePasswordHash(unmatchablePasswordHash(old));
  assert.deepEqual(
    [dummy.N, dummy.r, dummy.p, dummy.salt.length, dummy.hash.length],
    [16384, 8, 1, 16, 32],
  );
  const cheapDummy = unmatchablePasswordHash(await hashPassword('x', cheap));
  assert.equal(parsePasswordHash(cheapDummy).N, 16);
  assert.equal(await verifyPassword('x', cheapDummy), false);
  assert.equal(await verifyPassword('', cheapDummy), false);
  assert.equal(unmatchablePasswordHash(undefined), UNMATCHABLE_PASSWORD_HASH);
  assert.equal(unmatchablePasswordHash('not a hash'), UNMATCHABLE_PASSWORD_HASH);
});
