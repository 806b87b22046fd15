import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  authenticateMailUser,
  findMailUser,
  type MailPath,
  type MailUser,
  parseMailArgument,
  resolveLocalRecipient,
} from '../../../src/protocols/mail/index.js';
import { testUsers } from './service-support.js';

const users: MailUser[] = [
  { name: 'demo', password: 'x', mail: ['demo@example.test'] },
  { name: 'post', password: 'x', mail: ['postmaster@example.test'] },
];
const where = { domains: ['Example.Test', 'localhost'], users };

function path(address: string): MailPath {
  const at = address.lastIndexOf('@');
  return at === -1
    ? { address, localPart: address, domain: '' }
    : { address, localPart: address.slice(0, at), domain: address.slice(at + 1) };
}

test('resolveLocalRecipient() finds the user owning an address, ignoring case', () => {
  const decision = resolveLocalRecipient(path('DEMO@example.TEST'), where);
  assert.ok(decision.ok && decision.user.name === 'demo');
});

test('resolveLocalRecipient() refuses an unknown local address with 550 5.1.1', () => {
  const decision = resolveLocalRecipient(path('nobody@localhost'), where);
  assert.ok(!decision.ok);
  assert.equal(decision.reply.code, 550);
  assert.equal(decision.reply.enhanced, '5.1.1');
});

test('resolveLocalRecipient() never relays: another domain is 554 5.7.1 even with a catch-all', () => {
  const decision = resolveLocalRecipient(path('demo@example.com'), { ...where, catchAll: 'demo' });
  assert.ok(!decision.ok);
  assert.equal(decision.reply.code, 554);
  assert.match(String(decision.reply.text), /Relay access denied/);
});

test('resolveLocalRecipient() sends unknown local addresses to the catch-all user', () => {
  const decision = resolveLocalRecipient(path('anyone@localhost'), { ...where, catchAll: 'post' });
  assert.ok(decision.ok && decision.user.name === 'post');
});

test('resolveLocalRecipient() accepts <postmaster> for the owner of postmaster@ the first domain', () => {
  const decision = resolveLocalRecipient(path('Postmaster'), where);
  assert.ok(decision.ok && decision.user.name === 'post');
  assert.ok(!resolveLocalRecipient(path('postmaster'), { domains: [], users: [] }).ok);
});

test('findMailUser() matches a user name or one of the addresses', () => {
  assert.equal(findMailUser(users, 'Demo')?.name, 'demo');
  assert.equal(findMailUser(users, 'postmaster@EXAMPLE.test')?.name, 'post');
  assert.equal(findMailUser(users, 'ghost'), null);
});

test('authenticateMailUser() checks scrypt hashes and treats a malformed hash as a wrong password', async () => {
  const real = await testUsers();
  assert.equal((await authenticateMailUser(real, 'demo', 'demo'))?.name, 'demo');
  assert.equal(
    (await authenticateMailUser(real, 'alice@example.test', 'wonderland'))?.name,
    'alice',
  );
  assert.equal(await authenticateMailUser(real, 'demo', 'wonderland'), null);
  assert.equal(await authenticateMailUser(real, 'ghost', 'demo'), null);
  const broken = [{ name: 'bad', password: 'not a hash', mail: [] }];
  assert.equal(await authenticateMailUser(broken, 'bad', 'x'), null);
});

test('resolveLocalRecipient() accepts postmaster@ every local domain, in any case, where <postmaster> goes', () => {
  const noOwner = { domains: ['example.test', 'localhost'], users: [users[0]!] };
  for (const address of [
    'postmaster@example.test',
    'Postmaster@LOCALHOST',
    'POSTMASTER@localhost',
  ]) {
    const decision = resolveLocalRecipient(path(address), noOwner);
    assert.ok(decision.ok && decision.user.name === 'demo', address);
  }
  const toCatchAll = resolveLocalRecipient(path('postmaster@localhost'), {
    ...where,
    catchAll: 'demo',
  });
  assert.ok(toCatchAll.ok && toCatchAll.user.name === 'demo');
  assert.ok(!resolveLocalRecipient(path('postmaster@elsewhere.example'), noOwner).ok);
});

/** The path `RCPT TO:<…>` gives, parsed as the session parses it. */
function rcpt(address: string): MailPath {
  const parsed = parseMailArgument(`TO:<${address}>`, { kind: 'to', maxPathLength: 256 });
  assert.ok(parsed.ok, address);
  return parsed.path;
}

test('resolveLocalRecipient() treats a quoted local part that needs no quoting as the same mailbox (RFC 5321 §4.1.2)', () => {
  for (const address of ['"demo"@example.test', '"DEMO"@Example.Test', '"d\\emo"@Example.test']) {
    const decision = resolveLocalRecipient(rcpt(address), where);
    assert.ok(decision.ok && decision.user.name === 'demo', address);
  }
  const postmaster = resolveLocalRecipient(rcpt('"Postmaster"@localhost'), where);
  assert.ok(postmaster.ok && postmaster.user.name === 'post');
  for (const address of [
    '"de mo"@example.test',
    '"demo."@example.test',
    '"demo\\"x"@example.test',
  ]) {
    const decision = resolveLocalRecipient(rcpt(address), where);
    assert.ok(!decision.ok && decision.reply.code === 550, address);
  }
  const quotedOwner = {
    domains: ['example.test'],
    users: [{ name: 'q', password: 'x', mail: ['"john smith"@example.test'] }],
  };
  const spaced = resolveLocalRecipient(rcpt('"john\\ smith"@example.test'), quotedOwner);
  assert.ok(spaced.ok && spaced.user.name === 'q');
});
