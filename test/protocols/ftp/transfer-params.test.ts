import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  parseModeArg,
  parseStruArg,
  parseTypeArg,
} from '../../../src/protocols/ftp/codec/transfer-params.js';

const code = (r: { ok: boolean; reply?: { code: number } }): number | true =>
  r.ok ? true : (r.reply?.code ?? 0);

test('parseTypeArg() reads A, A N, I and L 8 in any case', () => {
  assert.deepEqual(parseTypeArg('A'), { ok: true, value: 'ascii' });
  assert.deepEqual(parseTypeArg('a n'), { ok: true, value: 'ascii' });
  assert.deepEqual(parseTypeArg('I'), { ok: true, value: 'image' });
  assert.deepEqual(parseTypeArg('L 8'), { ok: true, value: 'image' });
  assert.deepEqual(parseTypeArg(' i '), { ok: true, value: 'image' });
});

test('parseTypeArg() answers 504 to valid types it does not support and 501 to garbage', () => {
  for (const arg of ['E', 'E N', 'A T', 'A C', 'L 7', 'L 36'])
    assert.equal(code(parseTypeArg(arg)), 504, arg);
  for (const arg of ['', 'X', 'A X', 'I N', 'L', 'L x', 'A N N', 'binary'])
    assert.equal(code(parseTypeArg(arg)), 501, arg);
});

test('parseModeArg() accepts S, answers 504 to B and C and 501 to others', () => {
  assert.deepEqual(parseModeArg('s'), { ok: true, value: 'S' });
  assert.equal(code(parseModeArg('B')), 504);
  assert.equal(code(parseModeArg('C')), 504);
  assert.equal(code(parseModeArg('Z')), 501);
  assert.equal(code(parseModeArg('SS')), 501);
});

test('parseStruArg() accepts F, answers 504 to R and P and 501 to others', () => {
  assert.deepEqual(parseStruArg('F'), { ok: true, value: 'F' });
  assert.equal(code(parseStruArg('r')), 504);
  assert.equal(code(parseStruArg('P')), 504);
  assert.equal(code(parseStruArg('file')), 501);
});

test('TYPE, MODE and STRU parsers answer only 501 or 504 to random text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 10 }), (s) => {
      for (const r of [parseTypeArg(s), parseModeArg(s), parseStruArg(s)]) {
        assert.ok(r.ok || r.reply.code === 501 || r.reply.code === 504);
      }
    }),
  );
});
