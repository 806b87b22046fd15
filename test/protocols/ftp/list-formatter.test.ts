import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FileEntry } from '../../../src/protocols/ftp/codec/file-entry.js';
import {
  formatListDate,
  formatListLine,
  formatNlstLine,
} from '../../../src/protocols/ftp/codec/list-formatter.js';
import { parseListLine } from '../../../src/protocols/ftp/codec/list-parser.js';

const now = new Date('2026-11-24T15:30:00Z');
const at = (iso: string): Date => new Date(iso);

// Expected lines are written by hand from `ls -l` conventions in vsftpd's column widths:
// mode, links in 4, owner and group left-aligned in 8, size right-aligned in 8, date, name.
test('formatListLine() writes a file line in ls -l form', () => {
  assert.equal(
    formatListLine(
      { name: 'a.txt', type: 'file', size: 1234, mtime: at('2026-11-24T15:17Z') },
      { now },
    ),
    '-rw-r--r--    1 ftp      ftp          1234 Nov 24 15:17 a.txt',
  );
});

test('formatListLine() writes directories with d and links with l and their target', () => {
  assert.equal(
    formatListLine(
      { name: 'pub', type: 'dir', size: 4096, mtime: at('2026-11-02T09:05Z') },
      { now },
    ),
    'drwxr-xr-x    2 ftp      ftp          4096 Nov  2 09:05 pub',
  );
  assert.equal(
    formatListLine(
      { name: 'latest', type: 'link', size: 11, mtime: at('2026-10-01T00:00Z'), target: 'pub/v1' },
      { now },
    ),
    'lrwxrwxrwx    1 ftp      ftp            11 Oct  1 00:00 latest -> pub/v1',
  );
});

test('formatListLine() uses the entry mode, owner, group and link count', () => {
  const entry: FileEntry = {
    name: 'run.sh',
    type: 'file',
    size: 104857600,
    mtime: at('2026-06-30T08:00Z'),
    mode: 0o4755,
    owner: 'giampaolo',
    group: 'staff',
    nlink: 3,
  };
  assert.equal(
    formatListLine(entry, { now }),
    '-rwsr-xr-x    3 giampaolo staff    104857600 Jun 30 08:00 run.sh',
  );
  assert.equal(
    formatListLine({ ...entry, owner: 'a b' }, { now, owner: 'x' }).slice(0, 30),
    '-rwsr-xr-x    3 a_b      staff',
  );
  assert.equal(
    formatListLine(
      { name: 'x', type: 'file', size: 0, mtime: at('2026-11-01T00:00Z') },
      { now, owner: 'root', group: 'wheel' },
    ),
    '-rw-r--r--    1 root     wheel           0 Nov  1 00:00 x',
  );
});

test('formatListDate() shows the year for times older than six months or in the future', () => {
  assert.equal(formatListDate(at('2020-01-05T10:00Z'), now), 'Jan  5  2020');
  assert.equal(formatListDate(at('2026-05-27T00:00Z'), now), 'May 27 00:00');
  assert.equal(formatListDate(at('2026-05-25T00:00Z'), now), 'May 25  2026');
  assert.equal(formatListDate(at('2027-01-01T00:00Z'), now), 'Jan  1  2027');
  assert.equal(formatListDate(now, now), 'Nov 24 15:30');
});

test('formatListDate() shows times in the configured zone', () => {
  assert.equal(
    formatListDate(at('2026-11-24T23:30Z'), at('2026-11-25T00:00Z'), 60),
    'Nov 25 00:30',
  );
});

test('formatListLine() and formatNlstLine() keep line breaks in names from forging lines', () => {
  const entry: FileEntry = {
    name: 'evil\r\n-rw-r--r-- 1 a b 1 Jan 1 00:00 x',
    type: 'file',
    size: 1,
    mtime: now,
  };
  assert.ok(!/[\r\n]/.test(formatListLine(entry, { now })));
  assert.equal(formatNlstLine({ name: 'a\nb' }), 'a?b');
  assert.equal(formatNlstLine({ name: 'plain name' }), 'plain name');
});

test('formatListLine() and formatNlstLine() show other control characters as ? (ls -q), never raw', () => {
  assert.equal(formatNlstLine({ name: 'shift\x0eout\x1b[2J\x7f\x00' }), 'shift?out?[2J??');
  const line = formatListLine({ name: 'bell\x07', type: 'file', size: 1, mtime: now }, { now });
  assert.ok(line.endsWith(' bell?'), line);
  assert.equal(formatNlstLine({ name: 'grüße\ttab' }), 'grüße?tab');
});

test('parseListLine() reads back every line formatListLine() writes', () => {
  const entry = fc.record({
    name: fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((n) => !/[\r\n]| -> /.test(n) && n !== '.' && n !== '..'),
    type: fc.constantFrom('file' as const, 'dir' as const),
    size: fc.integer({ min: 0, max: 2 ** 40 }),
    mtime: fc
      .integer({ min: 0, max: 4102444800 })
      .map((s) => new Date(s * 60_000 - ((s * 60_000) % 60_000))),
    mode: fc.integer({ min: 0, max: 0o7777 }),
  });
  fc.assert(
    fc.property(entry, (e) => {
      const mtime = new Date(Math.floor(e.mtime.getTime() / 60_000) * 60_000);
      const line = formatListLine({ ...e, mtime }, { now });
      const back = parseListLine(line, { now });
      assert.equal(back?.name, e.name, line);
      assert.equal(back?.type, e.type);
      assert.equal(back?.size, e.size);
      assert.equal(back?.mode, e.mode);
      const age = now.getTime() - mtime.getTime();
      const recent = age >= 0 && age < 182.62 * 86_400_000;
      // An old date shows only the day, so compare to the day there.
      const expected = recent
        ? mtime.getTime()
        : Date.UTC(mtime.getUTCFullYear(), mtime.getUTCMonth(), mtime.getUTCDate());
      assert.equal(back?.mtime.getTime(), expected, line);
    }),
  );
});
