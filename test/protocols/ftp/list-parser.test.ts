import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseListing, parseListLine } from '../../../src/protocols/ftp/codec/list-parser.js';

const now = new Date('2026-11-24T15:30:00Z');
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/ftp/${name}`, import.meta.url), 'utf8');
const at = (iso: string): Date => new Date(iso);

test('parseListing() reads a vsftpd listing, links, odd modes and a leading-space name', () => {
  const { entries, skipped } = parseListing(fixture('vsftpd-list.txt'), { now });
  assert.deepEqual(skipped, []);
  assert.deepEqual(entries, [
    {
      name: 'pub',
      type: 'dir',
      size: 4096,
      mtime: at('2026-11-24T15:17Z'),
      mode: 0o755,
      owner: 'ftp',
      group: 'ftp',
      nlink: 2,
    },
    {
      name: 'big file.iso',
      type: 'file',
      size: 104857600,
      mtime: at('2024-03-03T00:00Z'),
      mode: 0o644,
      owner: 'ftp',
      group: 'ftp',
      nlink: 1,
    },
    {
      name: 'latest',
      type: 'link',
      size: 11,
      mtime: at('2026-10-01T09:05Z'),
      mode: 0o777,
      owner: '0',
      group: '0',
      nlink: 1,
      target: 'pub/v1.2.3',
    },
    {
      name: 'empty',
      type: 'file',
      size: 0,
      mtime: at('1970-01-01T00:00Z'),
      mode: 0o644,
      owner: '1000',
      group: '1000',
      nlink: 1,
    },
    {
      name: ' leading space',
      type: 'dir',
      size: 4096,
      mtime: at('2026-08-15T23:59Z'),
      mode: 0o3775,
      owner: 'ftp',
      group: 'ftp',
      nlink: 3,
    },
  ]);
});

test('parseListing() reads a pyftpdlib listing', () => {
  const { entries } = parseListing(fixture('pyftpdlib-list.txt'), { now });
  assert.deepEqual(
    entries.map((e) => [e.name, e.type, e.size, e.mtime.toISOString(), e.owner, e.group]),
    [
      ['setup.py', 'file', 710, '2026-11-24T15:17:00.000Z', 'owner', 'group'],
      ['docs', 'dir', 0, '2023-04-13T00:00:00.000Z', 'owner', 'group'],
      ['run tests.sh', 'file', 4242, '2026-06-30T08:00:00.000Z', 'giampaolo', 'staff'],
    ],
  );
});

test('parseListing() reads the IIS MS-DOS format with 12-hour times and both year widths', () => {
  const { entries, skipped } = parseListing(fixture('iis-dos-list.txt'), { now });
  assert.deepEqual(skipped, []);
  assert.deepEqual(entries, [
    { name: 'aspnet_client', type: 'dir', size: 0, mtime: at('2026-11-24T15:17Z') },
    { name: 'default.htm', type: 'file', size: 1234, mtime: at('2026-11-24T09:05Z') },
    { name: 'midnight.txt', type: 'file', size: 689, mtime: at('2026-01-02T00:00Z') },
    { name: 'old file.txt', type: 'file', size: 5, mtime: at('1999-02-28T12:30Z') },
  ]);
});

test('parseListLine() puts a yearless date in the future into last year', () => {
  const e = parseListLine('-rw-r--r--    1 a b 1 Dec 25 10:00 x', { now });
  assert.equal(e?.mtime.toISOString(), '2025-12-25T10:00:00.000Z');
  const today = parseListLine('-rw-r--r--    1 a b 1 Nov 24 23:00 x', { now });
  assert.equal(today?.mtime.toISOString(), '2026-11-24T23:00:00.000Z');
});

test('parseListLine() reads lines without a group, with ISO dates and for devices', () => {
  assert.deepEqual(parseListLine('-rw-r--r-- 1 ftp 12 Nov 24 15:17 nogroup', { now }), {
    name: 'nogroup',
    type: 'file',
    size: 12,
    mtime: at('2026-11-24T15:17Z'),
    mode: 0o644,
    owner: 'ftp',
    nlink: 1,
  });
  assert.equal(
    parseListLine('drwxr-xr-x 2 root root 4096 2025-01-31 23:59 iso', { now })?.mtime.toISOString(),
    '2025-01-31T23:59:00.000Z',
  );
  const dev = parseListLine('crw-rw-rw- 1 root root 1, 3 Nov 24 15:17 null', { now });
  assert.equal(dev?.type, 'other');
  assert.equal(dev?.size, 0);
  assert.equal(parseListLine('-rw-r--r--+ 1 a b 1 Nov 24 15:17 acl', { now })?.name, 'acl');
});

test('parseListLine() applies the server time zone', () => {
  const e = parseListLine('-rw-r--r-- 1 a b 1 Nov 24 16:17 x', { now, utcOffsetMinutes: 60 });
  assert.equal(e?.mtime.toISOString(), '2026-11-24T15:17:00.000Z');
});

test('parseListLine() skips total, blank, . and .. lines', () => {
  for (const line of [
    'total 0',
    '',
    '   ',
    'drwxr-xr-x 2 a b 4096 Nov 24 15:17 .',
    'drwxr-xr-x 2 a b 4096 Nov 24 15:17 ..',
    '11-24-26  03:17PM <DIR> .',
  ]) {
    assert.equal(parseListLine(line, { now }), null, line);
  }
});

test('parseListLine() throws SyntaxError on lines in no known format', () => {
  for (const line of [
    'hello world',
    '-rw-r--r-- 1 a b 1 Foo 24 15:17 x',
    '+i8388621.29609,m824255902,/,\tdev',
  ]) {
    assert.throws(() => parseListLine(line, { now }), SyntaxError, line);
  }
});

test('parseListing() never throws on random text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      const { entries, skipped } = parseListing(text, { now });
      assert.ok(entries.length + skipped.length <= text.split('\n').length);
    }),
  );
});

test('parseListLine() refuses a Unix line with an empty name', () => {
  assert.throws(() => parseListLine('-rw-r--r-- 1 a b 1 Nov 24 15:17 ', { now }), SyntaxError);
});
