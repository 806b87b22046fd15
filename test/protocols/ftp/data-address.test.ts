import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  checkDataTarget,
  epsvReply,
  formatEprtArg,
  formatPortArg,
  parseEprtArg,
  parseEpsvArg,
  parseEpsvReply,
  parsePasvReply,
  parsePortArg,
  pasvReply,
} from '../../../src/protocols/ftp/codec/data-address.js';

function code(res: { ok: boolean; reply?: { code: number } }): number | true {
  return res.ok ? true : (res.reply?.code ?? 0);
}

test('parsePortArg() reads h1,h2,h3,h4,p1,p2 into a host and port', () => {
  assert.deepEqual(parsePortArg('127,0,0,1,25,46'), {
    ok: true,
    value: { host: '127.0.0.1', port: 6446 },
  });
  assert.deepEqual(parsePortArg(' 10, 0, 0, 5, 0, 21 '), {
    ok: true,
    value: { host: '10.0.0.5', port: 21 },
  });
});

test('parsePortArg() answers 501 to malformed values', () => {
  for (const arg of [
    '',
    '1,2,3,4,5',
    '1,2,3,4,5,6,7',
    '256,0,0,1,1,1',
    '1,2,3,4,5,256',
    'a,b,c,d,e,f',
    '1,2,3,4,5,-6',
    '1,,3,4,5,6',
    '1.2.3.4,5,6',
    '0001,2,3,4,5,6',
  ]) {
    assert.equal(code(parsePortArg(arg)), 501, arg);
  }
});

test('formatPortArg() and pasvReply() write the comma form, unmapping IPv4-mapped hosts', () => {
  assert.equal(formatPortArg({ host: '127.0.0.1', port: 6446 }), '127,0,0,1,25,46');
  assert.deepEqual(pasvReply({ host: '::ffff:192.0.2.7', port: 65535 }), {
    code: 227,
    lines: ['Entering Passive Mode (192,0,2,7,255,255).'],
  });
  assert.throws(() => formatPortArg({ host: '::1', port: 21 }), RangeError);
  assert.throws(() => formatPortArg({ host: '1.2.3.4', port: 65536 }), RangeError);
  assert.throws(() => pasvReply({ host: 'localhost', port: 1 }), RangeError);
});

test('parsePasvReply() finds the address with or without parentheses (RFC 1123 4.1.2.6)', () => {
  const expected = { host: '127.0.0.1', port: 6446 };
  assert.deepEqual(parsePasvReply('Entering Passive Mode (127,0,0,1,25,46).'), expected);
  assert.deepEqual(parsePasvReply('Entering Passive Mode 127,0,0,1,25,46'), expected);
  assert.deepEqual(parsePasvReply('=127,0,0,1,25,46'), expected);
  assert.throws(() => parsePasvReply('Entering Passive Mode'), SyntaxError);
  assert.throws(() => parsePasvReply('(300,0,0,1,25,46)'), SyntaxError);
});

test('PORT and PASV forms round-trip for any IPv4 address and port', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (host, port) => {
      assert.deepEqual(parsePortArg(formatPortArg({ host, port })), {
        ok: true,
        value: { host, port },
      });
      assert.deepEqual(parsePasvReply(pasvReply({ host, port }).lines[0] ?? ''), { host, port });
    }),
  );
});

test('parseEprtArg() reads IPv4 and IPv6 forms with any delimiter from 33 to 126', () => {
  assert.deepEqual(parseEprtArg('|1|127.0.0.1|6446|'), {
    ok: true,
    value: { host: '127.0.0.1', port: 6446 },
  });
  assert.deepEqual(parseEprtArg('|2|::1|6446|'), { ok: true, value: { host: '::1', port: 6446 } });
  assert.deepEqual(parseEprtArg('!2!2001:db8::7!21!'), {
    ok: true,
    value: { host: '2001:db8::7', port: 21 },
  });
  assert.deepEqual(parseEprtArg('~1~10.1.2.3~65535~'), {
    ok: true,
    value: { host: '10.1.2.3', port: 65535 },
  });
});

test('parseEprtArg() answers 522 to an unknown protocol and 501 to malformed values', () => {
  assert.equal(code(parseEprtArg('|3|1.2.3.4|21|')), 522);
  for (const arg of [
    '',
    '|1|127.0.0.1|6446',
    '1|127.0.0.1|6446|',
    '|1|::1|6446|',
    '|2|127.0.0.1|6446|',
    '|1|127.0.0.1|0|',
    '|1|127.0.0.1|65536|',
    '|1|127.0.0.1|x|',
    '|1|localhost|21|',
    '|1|1.2.3.4|21|x|',
    ' 1 1.2.3.4 21 ',
    '\x7f1\x7f1.2.3.4\x7f21\x7f',
    '|2|fe80::1%eth0|21|',
    '|x|1.2.3.4|21|',
  ]) {
    assert.equal(code(parseEprtArg(arg)), 501, JSON.stringify(arg));
  }
});

test('formatEprtArg() writes both families and round-trips through parseEprtArg()', () => {
  assert.equal(formatEprtArg({ host: '127.0.0.1', port: 6446 }), '|1|127.0.0.1|6446|');
  assert.equal(formatEprtArg({ host: '::1', port: 6446 }), '|2|::1|6446|');
  assert.equal(formatEprtArg({ host: 'fe80::1%eth0', port: 1 }), '|2|fe80::1|1|');
  assert.throws(() => formatEprtArg({ host: 'example.org', port: 21 }), RangeError);
  fc.assert(
    fc.property(
      fc.oneof(fc.ipV4(), fc.ipV6()),
      fc.integer({ min: 1, max: 65535 }),
      (host, port) => {
        assert.deepEqual(parseEprtArg(formatEprtArg({ host, port })), {
          ok: true,
          value: { host, port },
        });
      },
    ),
  );
});

test('parseEpsvArg() reads no argument, 1, 2 and ALL', () => {
  assert.deepEqual(parseEpsvArg(''), { ok: true, value: 'any' });
  assert.deepEqual(parseEpsvArg('1'), { ok: true, value: 1 });
  assert.deepEqual(parseEpsvArg('2'), { ok: true, value: 2 });
  assert.deepEqual(parseEpsvArg('all'), { ok: true, value: 'all' });
  assert.equal(code(parseEpsvArg('3')), 522);
  assert.equal(code(parseEpsvArg('ANY')), 501);
});

test('epsvReply() and parseEpsvReply() write and read (|||port|) with any delimiter', () => {
  assert.deepEqual(epsvReply(6446), {
    code: 229,
    lines: ['Entering Extended Passive Mode (|||6446|)'],
  });
  assert.equal(parseEpsvReply('Entering Extended Passive Mode (|||6446|)'), 6446);
  assert.equal(parseEpsvReply('Extended Passive mode OK (!!!40000!)'), 40000);
  assert.throws(() => epsvReply(70000), RangeError);
  for (const bad of ['(|||0|)', '(||6446|)', '(|||70000|)', '(|!|6446|)', 'no port']) {
    assert.throws(() => parseEpsvReply(bad), SyntaxError, bad);
  }
});

test('checkDataTarget() allows only the client itself on an unprivileged port', () => {
  assert.equal(checkDataTarget('127.0.0.1', { host: '127.0.0.1', port: 1024 }).ok, true);
  assert.equal(checkDataTarget('::ffff:10.0.0.5', { host: '10.0.0.5', port: 40000 }).ok, true);
  assert.equal(checkDataTarget('10.0.0.5', { host: '::ffff:10.0.0.5', port: 40000 }).ok, true);
  assert.equal(checkDataTarget('::1', { host: '0:0:0:0:0:0:0:1', port: 40000 }).ok, true);
  assert.equal(code(checkDataTarget('10.0.0.5', { host: '10.0.0.6', port: 40000 })), 504);
  assert.equal(code(checkDataTarget('10.0.0.5', { host: '10.0.0.5', port: 25 })), 504);
  assert.equal(code(checkDataTarget('10.0.0.5', { host: '10.0.0.5', port: 1023 })), 504);
  assert.equal(code(checkDataTarget('::1', { host: '127.0.0.1', port: 40000 })), 504);
  assert.equal(code(checkDataTarget('garbage', { host: 'garbage', port: 40000 })), 504);
});

test('address parsers never throw on random text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (text) => {
      for (const res of [parsePortArg(text), parseEprtArg(text), parseEpsvArg(text)]) {
        assert.ok(res.ok || [501, 522].includes(res.reply.code));
      }
    }),
  );
});
