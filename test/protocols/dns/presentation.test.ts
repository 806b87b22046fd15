import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classFromString,
  classToString,
  opcodeToString,
  rcodeToString,
  typeFromString,
  typeToString,
} from '../../../src/protocols/dns/codec/constants.js';
import {
  formatRdata,
  genericRdata,
  quoteString,
} from '../../../src/protocols/dns/codec/presentation.js';

test('typeToString() and typeFromString() map mnemonics and the RFC 3597 TYPEnnn form', () => {
  assert.equal(typeToString(28), 'AAAA');
  assert.equal(typeToString(65280), 'TYPE65280');
  assert.equal(typeFromString('srv'), 33);
  assert.equal(typeFromString('TYPE1'), 1);
  assert.equal(typeFromString('TYPE65536'), undefined);
  assert.equal(typeFromString('BOGUS'), undefined);
});

test('classToString() and classFromString() map mnemonics and CLASSnnn', () => {
  assert.equal(classToString(1), 'IN');
  assert.equal(classToString(42), 'CLASS42');
  assert.equal(classFromString('ch'), 3);
  assert.equal(classFromString('CLASS7'), 7);
  assert.equal(classFromString('IN1'), undefined);
});

test('opcodeToString() and rcodeToString() name codes as dig does', () => {
  assert.equal(opcodeToString(0), 'QUERY');
  assert.equal(opcodeToString(4), 'NOTIFY');
  assert.equal(rcodeToString(3), 'NXDOMAIN');
  assert.equal(rcodeToString(16), 'BADVERS');
  assert.equal(rcodeToString(12), 'RESERVED12');
});

test('quoteString() escapes quotes, backslashes and unprintable bytes', () => {
  assert.equal(quoteString(Buffer.from('a"b\\c')), '"a\\"b\\\\c"');
  assert.equal(quoteString(Buffer.from([0, 9, 0x7f, 0xe9])), '"\\000\\009\\127\\233"');
});

test('genericRdata() prints RFC 3597 \\# form, including empty rdata', () => {
  assert.equal(genericRdata(Buffer.from([0xab, 1])), '\\# 2 AB01');
  assert.equal(genericRdata(Buffer.alloc(0)), '\\# 0');
  assert.equal(formatRdata({ kind: 'unknown', bytes: Buffer.from([1]) }), '\\# 1 01');
});

test('formatRdata() writes each typed rdata in presentation form', () => {
  assert.equal(
    formatRdata({ kind: 'SRV', priority: 0, weight: 5, port: 10080, target: 'www.e.test' }),
    '0 5 10080 www.e.test.',
  );
  assert.equal(
    formatRdata({ kind: 'CAA', flags: 0, tag: 'issue', value: Buffer.from('e.test') }),
    '0 issue "e.test"',
  );
  assert.equal(formatRdata({ kind: 'NS', target: '.' }), '.');
  assert.equal(
    formatRdata({ kind: 'TXT', strings: [Buffer.from('a'), Buffer.from('b c')] }),
    '"a" "b c"',
  );
});
