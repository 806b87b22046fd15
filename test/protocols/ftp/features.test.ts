import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featReply, helpReply, parseOptsArg } from '../../../src/protocols/ftp/codec/features.js';
import { encodeReply } from '../../../src/protocols/ftp/codec/reply.js';

test('featReply() lists the features in the RFC 2389 shape, TLS ones only when asked', () => {
  assert.equal(
    encodeReply(featReply()).toString(),
    '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MFMT\r\n' +
      ' MLST type*;size*;modify*;perm*;unique*;unix.mode;unix.owner;unix.group;\r\n' +
      ' REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n',
  );
  const tls = featReply({ tls: true }).lines;
  assert.ok(tls.includes(' AUTH TLS') && tls.includes(' PBSZ') && tls.includes(' PROT'));
});

test('featReply() marks the MLST facts the client selected', () => {
  const lines = featReply({ mlstFacts: ['type', 'unix.mode'] }).lines;
  assert.ok(
    lines.includes(' MLST type*;size;modify;perm;unique;unix.mode*;unix.owner;unix.group;'),
  );
});

test('helpReply() lists every verb, aliases included, in a 214 reply', () => {
  const help = helpReply('');
  assert.equal(help.code, 214);
  const text = help.lines.join(' ');
  for (const verb of ['ABOR', 'XPWD', 'MLSD', 'EPSV', 'PROT']) assert.match(text, new RegExp(verb));
  assert.equal(help.lines.at(-1), 'Help OK.');
});

test('helpReply() shows the syntax of one verb, or 501 for an unknown one', () => {
  assert.deepEqual(helpReply('xcwd').lines, [
    'Syntax: CWD [<sp> dir-name] (change the working directory)',
  ]);
  assert.equal(helpReply('NOPE').code, 501);
});

test('helpReply() answers HELP SITE with 214 and the SITE subcommands this server has: none (regression: 501 Unknown command SITE)', () => {
  const help = helpReply('site');
  assert.equal(help.code, 214);
  assert.match(help.lines.join('\n'), /^SITE <sp> subcommand/);
  assert.match(help.lines.join('\n'), /no SITE subcommands/);
});

test('helpReply() says a verb left out is known but not implemented (214), not unknown', () => {
  const help = helpReply('LPRT');
  assert.equal(help.code, 214);
  assert.match(help.lines.join(' '), /LPRT .*not implemented/);
});

test('parseOptsArg() reads OPTS UTF8 ON and OPTS MLST fact lists', () => {
  assert.deepEqual(parseOptsArg('UTF8 ON'), { ok: true, value: { command: 'UTF8', on: true } });
  assert.deepEqual(parseOptsArg('utf8 off'), { ok: true, value: { command: 'UTF8', on: false } });
  assert.deepEqual(parseOptsArg('MLST size;TYPE;bogus;'), {
    ok: true,
    value: { command: 'MLST', facts: ['type', 'size'] },
  });
  assert.deepEqual(parseOptsArg('MLST'), { ok: true, value: { command: 'MLST', facts: [] } });
});

test('parseOptsArg() answers 501 to unknown commands and malformed values', () => {
  for (const arg of ['', 'RETR x', 'UTF8 MAYBE', 'MLST a; b;']) {
    const res = parseOptsArg(arg);
    assert.equal(!res.ok && res.reply.code, 501, arg);
  }
});
