import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkCommand,
  FTP_COMMANDS,
  lookupCommand,
  type Permission,
} from '../../../src/protocols/ftp/codec/command-table.js';

const VERBS =
  'USER PASS ACCT QUIT REIN SYST STAT HELP NOOP FEAT OPTS TYPE MODE STRU PWD CWD CDUP MKD RMD DELE RNFR RNTO SIZE MDTM MFMT LIST NLST MLSD MLST RETR STOR STOU APPE REST ABOR ALLO PORT PASV EPRT EPSV AUTH PBSZ PROT'.split(
    ' ',
  );

test('FTP_COMMANDS holds every verb the server implements, each with help text', () => {
  assert.deepEqual([...FTP_COMMANDS.keys()].sort(), [...VERBS].sort());
  for (const [verb, spec] of FTP_COMMANDS) {
    assert.equal(spec.verb, verb);
    assert.ok(spec.help.startsWith(verb), verb);
  }
});

test('lookupCommand() resolves the X-aliases of RFC 775 and ignores case', () => {
  assert.equal(lookupCommand('XPWD')?.verb, 'PWD');
  assert.equal(lookupCommand('xcwd')?.verb, 'CWD');
  assert.equal(lookupCommand('XMKD')?.verb, 'MKD');
  assert.equal(lookupCommand('XRMD')?.verb, 'RMD');
  assert.equal(lookupCommand('XCUP')?.verb, 'CDUP');
  assert.equal(lookupCommand('retr')?.verb, 'RETR');
  assert.equal(lookupCommand('XYZZY'), undefined);
});

test('FTP_COMMANDS gives each tree-changing verb the permission it needs', () => {
  const perms: Record<string, Permission> = {
    LIST: 'list',
    NLST: 'list',
    MLSD: 'list',
    MLST: 'list',
    RETR: 'read',
    SIZE: 'read',
    MDTM: 'read',
    STOR: 'write',
    STOU: 'write',
    APPE: 'write',
    MFMT: 'write',
    DELE: 'delete',
    RMD: 'delete',
    RNFR: 'rename',
    RNTO: 'rename',
    MKD: 'mkdir',
  };
  for (const [verb, spec] of FTP_COMMANDS) assert.equal(spec.permission, perms[verb], verb);
});

test('checkCommand() lets the login, TLS and feature verbs through before login', () => {
  for (const [verb, arg] of [
    ['USER', 'a'],
    ['PASS', ''],
    ['QUIT', ''],
    ['FEAT', ''],
    ['AUTH', 'TLS'],
    ['PBSZ', '0'],
    ['PROT', 'P'],
    ['SYST', ''],
    ['NOOP', ''],
    ['HELP', ''],
    ['OPTS', 'UTF8 ON'],
  ] as const) {
    assert.equal(checkCommand(verb, arg, { loggedIn: false }).ok, true, verb);
  }
});

test('checkCommand() answers 530 to a file command before login', () => {
  for (const verb of ['RETR', 'LIST', 'CWD', 'PASV', 'PWD', 'STAT']) {
    const res = checkCommand(verb, 'x', { loggedIn: false });
    assert.equal(!res.ok && res.reply.code, 530, verb);
  }
});

test('checkCommand() answers 500 to unknown verbs and 502 to verbs left out', () => {
  const unknown = checkCommand('FOO', '', { loggedIn: true });
  assert.equal(!unknown.ok && unknown.reply.code, 500);
  const site = checkCommand('SITE', 'CHMOD 777 x', { loggedIn: true });
  assert.equal(!site.ok && site.reply.code, 502);
});

test('checkCommand() answers 501 to a missing or an unwanted argument', () => {
  const missing = checkCommand('RETR', '  ', { loggedIn: true });
  assert.equal(!missing.ok && missing.reply.code, 501);
  const extra = checkCommand('PASV', 'now', { loggedIn: true });
  assert.equal(!extra.ok && extra.reply.code, 501);
  assert.equal(checkCommand('LIST', '', { loggedIn: true }).ok, true);
  assert.equal(checkCommand('LIST', '-la', { loggedIn: true }).ok, true);
});

test('checkCommand() answers 550 when the user lacks the permission', () => {
  const readOnly = new Set<Permission>(['list', 'read']);
  const stor = checkCommand('STOR', 'a', { loggedIn: true, permissions: readOnly });
  assert.equal(!stor.ok && stor.reply.code, 550);
  assert.equal(checkCommand('RETR', 'a', { loggedIn: true, permissions: readOnly }).ok, true);
  assert.equal(checkCommand('XMKD', 'a', { loggedIn: true, permissions: readOnly }).ok, false);
  assert.equal(checkCommand('CWD', 'a', { loggedIn: true, permissions: new Set() }).ok, true);
});

test('checkCommand() returns the canonical spec for an alias', () => {
  const res = checkCommand('xpwd', '', { loggedIn: true });
  assert.equal(res.ok && res.value.verb, 'PWD');
});
