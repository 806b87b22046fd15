import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FileEntry } from '../../../src/protocols/ftp/codec/file-entry.js';
import {
  formatMlsxLine,
  mlsxPermFact,
  parseMlstOpts,
  parseMlsxLine,
} from '../../../src/protocols/ftp/codec/mlsx.js';

const fixture = (name: string): string[] =>
  readFileSync(new URL(`../../fixtures/ftp/${name}`, import.meta.url), 'utf8')
    .split('\r\n')
    .filter((l) => l !== '');
const mtime = new Date('2026-11-24T15:17:00Z');

test('formatMlsxLine() writes the default facts, a semicolon after each, a space, the name', () => {
  const entry: FileEntry = {
    name: 'a b;c.txt',
    type: 'file',
    size: 1234,
    mtime,
    perm: 'adfrw',
    unique: '801g1',
  };
  assert.equal(
    formatMlsxLine(entry),
    'type=file;size=1234;modify=20261124151700;perm=adfrw;unique=801g1; a b;c.txt',
  );
});

test('formatMlsxLine() writes cdir, pdir, dir and link types and leaves out size for directories', () => {
  const dir: FileEntry = { name: 'pub', type: 'dir', size: 4096, mtime };
  assert.equal(formatMlsxLine(dir), 'type=dir;modify=20261124151700; pub');
  assert.equal(
    formatMlsxLine({ ...dir, name: '.' }, { role: 'cdir' }),
    'type=cdir;modify=20261124151700; .',
  );
  assert.equal(
    formatMlsxLine({ ...dir, name: '..' }, { role: 'pdir' }),
    'type=pdir;modify=20261124151700; ..',
  );
  assert.equal(
    formatMlsxLine(
      { name: 'l', type: 'link', size: 3, mtime, target: '/x y' },
      { facts: ['type'] },
    ),
    'type=OS.unix=slink:/x_y; l',
  );
});

test('formatMlsxLine() writes only the facts asked for, unix facts included', () => {
  const entry: FileEntry = {
    name: 'f',
    type: 'file',
    size: 1,
    mtime,
    mode: 0o100644,
    owner: 'u',
    group: 'g',
  };
  assert.equal(
    formatMlsxLine(entry, { facts: ['size', 'unix.mode', 'unix.owner', 'unix.group', 'perm'] }),
    'size=1;unix.mode=0644;unix.owner=u;unix.group=g; f',
  );
  assert.equal(formatMlsxLine(entry, { facts: [] }), ' f');
});

test('formatMlsxLine() keeps CR and LF in names from ending the line (RFC 3659 2.2)', () => {
  const line = formatMlsxLine({ name: 'a\r\nb', type: 'file', size: 0, mtime }, { facts: [] });
  assert.equal(line, ' a\r\0\0b');
  assert.ok(!line.includes('\n'));
});

test('mlsxPermFact() derives the perm letters from the user rights', () => {
  const all = new Set(['list', 'read', 'write', 'delete', 'rename', 'mkdir'] as const);
  assert.equal(mlsxPermFact('file', all), 'adfrw');
  assert.equal(mlsxPermFact('dir', all), 'cdeflmp');
  assert.equal(mlsxPermFact('file', new Set(['read'])), 'r');
  assert.equal(mlsxPermFact('dir', new Set(['list', 'mkdir'])), 'elm');
});

test('parseMlsxLine() reads ProFTPD MLSD lines, upper-case fact names and links included', () => {
  const lines = fixture('proftpd-mlsd.txt').map(parseMlsxLine);
  assert.deepEqual(
    lines.map(({ entry, facts }) => [facts.get('type'), entry.name, entry.type, entry.size]),
    [
      ['cdir', '.', 'dir', 0],
      ['pdir', '..', 'dir', 0],
      ['file', 'file; with spaces.txt', 'file', 1234],
      ['dir', 'sub', 'dir', 0],
      ['OS.unix=slink:/srv/ftp/pub', 'link', 'link', 11],
    ],
  );
  assert.deepEqual(lines[2]?.entry, {
    name: 'file; with spaces.txt',
    type: 'file',
    size: 1234,
    mtime,
    mode: 0o644,
    owner: '1000',
    group: '1000',
    unique: 'FD00U1234',
    perm: 'adfrw',
  });
  assert.equal(lines[3]?.entry.mode, 0o2775);
  assert.equal(lines[4]?.entry.target, '/srv/ftp/pub');
});

test('parseMlsxLine() reads pyftpdlib MLSD lines with fractional times and uid/gid facts', () => {
  const [file, dir] = fixture('pyftpdlib-mlsd.txt').map(parseMlsxLine);
  assert.equal(file?.entry.mtime.toISOString(), '2026-11-24T15:17:00.123Z');
  assert.equal(file?.entry.size, 710);
  assert.equal(dir?.entry.owner, '1000');
  assert.equal(dir?.entry.mode, 0o755);
});

test('parseMlsxLine() reads an MLST fact line with its leading space, and a line with no facts', () => {
  assert.equal(parseMlsxLine(' type=file;size=5; /pub/a b').entry.name, '/pub/a b');
  const bare = parseMlsxLine(' just name');
  assert.equal(bare.entry.name, 'just name');
  assert.equal(bare.facts.size, 0);
  assert.equal(bare.entry.mtime.getTime(), 0);
});

test('parseMlsxLine() reads back what formatMlsxLine() writes', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1 }).filter((n) => !/[\r\n\0]/.test(n)),
      fc.constantFrom('file' as const, 'dir' as const),
      fc.integer({ min: 0, max: 2 ** 50 }),
      fc.integer({ min: 0, max: 253402300799 }),
      (name, type, size, seconds) => {
        const entry: FileEntry = { name, type, size, mtime: new Date(seconds * 1000), perm: 'r' };
        const back = parseMlsxLine(formatMlsxLine(entry)).entry;
        assert.deepEqual(back, { ...entry, size: type === 'file' ? size : 0 });
      },
    ),
  );
});

test('parseMlsxLine() throws SyntaxError on lines without a name or with a bad fact', () => {
  assert.throws(() => parseMlsxLine('type=file;size=1;'), SyntaxError);
  assert.throws(() => parseMlsxLine('type;size=1; x'), SyntaxError);
  assert.throws(() => parseMlsxLine('=file; x'), SyntaxError);
});

test('parseMlsxLine() throws nothing but SyntaxError on random text', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      try {
        parseMlsxLine(text);
      } catch (e) {
        assert.ok(e instanceof SyntaxError);
      }
    }),
  );
});

test('parseMlstOpts() keeps the supported facts in their FEAT order', () => {
  assert.deepEqual(parseMlstOpts('UNIX.mode;Size;type;nonsense;'), ['type', 'size', 'unix.mode']);
  assert.deepEqual(parseMlstOpts(''), []);
});
