import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  formatFtpTime,
  parseFtpTime,
  parseMfmtArg,
} from '../../../src/protocols/ftp/codec/ftp-time.js';

test('formatFtpTime() writes YYYYMMDDHHMMSS in UTC, with milliseconds only when asked', () => {
  const t = new Date('2026-11-24T15:17:05.250Z');
  assert.equal(formatFtpTime(t), '20261124151705');
  assert.equal(formatFtpTime(t, true), '20261124151705.250');
  assert.equal(formatFtpTime(new Date(0), true), '19700101000000');
  assert.throws(() => formatFtpTime(new Date(Number.NaN)), RangeError);
  assert.throws(() => formatFtpTime(new Date('+010000-01-01T00:00Z')), RangeError);
});

test('parseFtpTime() reads time values with and without a fraction', () => {
  assert.equal(parseFtpTime('20261124151705')?.toISOString(), '2026-11-24T15:17:05.000Z');
  assert.equal(parseFtpTime('20261124151705.5')?.toISOString(), '2026-11-24T15:17:05.500Z');
  assert.equal(parseFtpTime('00500101000000')?.getUTCFullYear(), 50);
  assert.equal(parseFtpTime('20241231235960')?.toISOString(), '2024-12-31T23:59:59.000Z');
});

test('parseFtpTime() refuses dates that are not on the calendar or not in the format', () => {
  for (const bad of [
    '20260231000000',
    '20250229000000',
    '20261324000000',
    '20261100000000',
    '20261124240000',
    '20261124156000',
    '2026112415170',
    '202611241517000',
    '20261124151700.',
    'x0261124151700',
    '',
    ' 20261124151700',
  ]) {
    assert.equal(parseFtpTime(bad), null, bad);
  }
  assert.notEqual(parseFtpTime('20240229000000'), null);
});

test('formatFtpTime() and parseFtpTime() round-trip any time to the millisecond', () => {
  fc.assert(
    fc.property(
      fc.date({
        min: new Date('0000-01-01T00:00Z'),
        max: new Date('9999-12-31T23:59:59.999Z'),
        noInvalidDate: true,
      }),
      (d) => {
        assert.equal(parseFtpTime(formatFtpTime(d, true))?.getTime(), d.getTime());
      },
    ),
  );
});

test('parseMfmtArg() reads a time and a path that may hold spaces', () => {
  const res = parseMfmtArg('20261124151700 my file.txt');
  assert.ok(res.ok);
  assert.equal(res.value.time.toISOString(), '2026-11-24T15:17:00.000Z');
  assert.equal(res.value.path, 'my file.txt');
  for (const bad of ['', '20261124151700', '20261124151700 ', 'now file', '20261324151700 f']) {
    const r = parseMfmtArg(bad);
    assert.equal(!r.ok && r.reply.code, 501, bad);
  }
});
