import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseAlloArg,
  parseAuthArg,
  parsePbszArg,
  parseProtArg,
  parseRestArg,
} from '../../../src/protocols/ftp/codec/command-args.js';

const code = (r: { ok: boolean; reply?: { code: number } }): number | true =>
  r.ok ? true : (r.reply?.code ?? 0);

test('parseRestArg() reads a byte offset and answers 501 to anything else', () => {
  assert.deepEqual(parseRestArg('0'), { ok: true, value: 0 });
  assert.deepEqual(parseRestArg(' 1048576 '), { ok: true, value: 1048576 });
  for (const bad of ['', '-1', '1.5', '1e3', 'abc', '99999999999999999'])
    assert.equal(code(parseRestArg(bad)), 501, bad);
});

test('parseAlloArg() reads a byte count with an optional record size', () => {
  assert.deepEqual(parseAlloArg('5000'), { ok: true, value: 5000 });
  assert.deepEqual(parseAlloArg('5000 R 128'), { ok: true, value: 5000 });
  assert.equal(code(parseAlloArg('lots')), 501);
});

test('parseAuthArg() accepts TLS and its older names and answers 504 to others', () => {
  assert.deepEqual(parseAuthArg('tls'), { ok: true, value: 'TLS' });
  assert.deepEqual(parseAuthArg('TLS-C'), { ok: true, value: 'TLS-C' });
  assert.deepEqual(parseAuthArg('SSL'), { ok: true, value: 'SSL' });
  assert.deepEqual(parseAuthArg('TLS-P'), { ok: true, value: 'TLS-P' });
  assert.equal(code(parseAuthArg('KERBEROS_V4')), 504);
  assert.equal(code(parseAuthArg('GSSAPI')), 504);
});

test('parsePbszArg() reads a decimal and answers 501 to anything else', () => {
  assert.deepEqual(parsePbszArg('0'), { ok: true, value: 0 });
  assert.deepEqual(parsePbszArg('16384'), { ok: true, value: 16384 });
  assert.equal(code(parsePbszArg('zero')), 501);
  assert.equal(code(parsePbszArg('-1')), 501);
});

test('parseProtArg() accepts C and P, answers 536 to S and E and 504 to others', () => {
  assert.deepEqual(parseProtArg('p'), { ok: true, value: 'P' });
  assert.deepEqual(parseProtArg('C'), { ok: true, value: 'C' });
  assert.equal(code(parseProtArg('S')), 536);
  assert.equal(code(parseProtArg('E')), 536);
  assert.equal(code(parseProtArg('X')), 504);
});
