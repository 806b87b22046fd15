import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RRType } from '../../../src/protocols/dns/codec/constants.js';
import { ZoneSyntaxError } from '../../../src/protocols/dns/codec/errors.js';
import { parseZone } from '../../../src/protocols/dns/codec/parse-zone.js';
import { formatRecord } from '../../../src/protocols/dns/codec/presentation.js';
import { SAMPLE_ORIGIN, SAMPLE_ZONE } from '../../../src/protocols/dns/codec/sample-zone.js';

const lines = (text: string, origin = 'example.test'): string[] =>
  parseZone(text, { origin }).map(formatRecord);

test('parseZone() reads the sample zone into the records it documents', () => {
  const records = parseZone(SAMPLE_ZONE, { origin: SAMPLE_ORIGIN });
  assert.equal(records.length, 16);
  assert.equal(
    formatRecord(records[0]!),
    'example.test.\t300\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 3600 600 86400 300',
  );
  const big = records.find((r) => r.name === 'big.example.test')!;
  assert.ok(big.data.kind === 'TXT' && big.data.strings.length === 20);
  assert.ok(big.data.kind === 'TXT' && big.data.strings.every((s) => s.length === 60));
  const names = new Set(records.map((r) => r.name));
  for (const n of ['ns1', 'www', 'mail', 'alias', '_http._tcp', '*.wild', 'sub', 'ns.sub']) {
    assert.ok(names.has(`${n}.example.test`), n);
  }
  assert.equal(records.find((r) => r.type === RRType.AAAA)?.ttl, 3600);
});

test('parseZone() handles $ORIGIN, @, relative and absolute names', () => {
  const text = `$TTL 60
@ A 192.0.2.1
www A 192.0.2.2
other.test. A 192.0.2.3
$ORIGIN sub
x A 192.0.2.4
$ORIGIN abs.test.
@ A 192.0.2.5
`;
  assert.deepEqual(lines(text), [
    'example.test.\t60\tIN\tA\t192.0.2.1',
    'www.example.test.\t60\tIN\tA\t192.0.2.2',
    'other.test.\t60\tIN\tA\t192.0.2.3',
    'x.sub.example.test.\t60\tIN\tA\t192.0.2.4',
    'abs.test.\t60\tIN\tA\t192.0.2.5',
  ]);
});

test('parseZone() repeats the owner on indented lines and takes TTL and class in either order', () => {
  const text = `www 100 IN A 192.0.2.1
    IN 200 AAAA ::1
    TXT "x"
`;
  assert.deepEqual(lines(text), [
    'www.example.test.\t100\tIN\tA\t192.0.2.1',
    'www.example.test.\t200\tIN\tAAAA\t::1',
    'www.example.test.\t200\tIN\tTXT\t"x"',
  ]);
});

test('parseZone() resolves TTLs: $TTL, then the last explicit TTL, then the SOA minimum', () => {
  const noTtl = `@ SOA ns h 1 2 3 4 77\nwww A 192.0.2.1\n`;
  assert.deepEqual(
    parseZone(noTtl, { origin: 'e.test' }).map((r) => r.ttl),
    [77, 77],
  );
  const units = `$TTL 1h30m\nwww A 192.0.2.1\nftp 2w A 192.0.2.2\n`;
  assert.deepEqual(
    parseZone(units, { origin: 'e.test' }).map((r) => r.ttl),
    [5400, 1209600],
  );
  assert.throws(() => parseZone('www A 192.0.2.1\n', { origin: 'e.test' }), /no TTL/);
  assert.equal(parseZone('www A 192.0.2.1\n', { origin: 'e.test', defaultTtl: 9 })[0]?.ttl, 9);
});

test('parseZone() joins lines in parentheses and ignores comments, even inside them', () => {
  const text = `$TTL 1
@ IN SOA ns1 hostmaster ( ; primary and mailbox
  2024 ; serial
  (3600) 600 ; nested parentheses are only grouping
  86400
  300 ) ; done
`;
  const soa = parseZone(text, { origin: 'e.test' })[0]!;
  assert.deepEqual(soa.data, {
    kind: 'SOA',
    mname: 'ns1.e.test',
    rname: 'hostmaster.e.test',
    serial: 2024,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  });
});

test('parseZone() reads quoted strings with escapes, semicolons and parentheses inside', () => {
  const text = `$TTL 1
t TXT "a \\"quoted\\" word" "semi;colon (paren)" "\\065\\066" unquoted\\ space
`;
  const [record] = parseZone(text, { origin: 'e.test' });
  assert.ok(record?.data.kind === 'TXT');
  assert.deepEqual(
    record.data.strings.map((s) => Buffer.from(s).toString('latin1')),
    ['a "quoted" word', 'semi;colon (paren)', 'AB', 'unquoted space'],
  );
});

test('parseZone() reads \\DDD and \\X escapes in names', () => {
  const text = '$TTL 1\na\\046b A 192.0.2.1\n\\065bc A 192.0.2.2\n';
  assert.deepEqual(
    parseZone(text, { origin: 'e.test' }).map((r) => r.name),
    ['a\\.b.e.test', 'Abc.e.test'],
  );
});

test('parseZone() reads every typed rdata and the RFC 3597 generic form', () => {
  const text = `$TTL 1
@ MX 10 mail
@ SRV 1 2 3 target.other.
@ CAA 128 issuewild ";"
@ PTR ptr
@ CNAME c
x TYPE65280 \\# 3 0102 03
y A \\# 4 C0000201
z TYPE99 \\# 0
`;
  const out = lines(text);
  assert.deepEqual(out, [
    'example.test.\t1\tIN\tMX\t10 mail.example.test.',
    'example.test.\t1\tIN\tSRV\t1 2 3 target.other.',
    'example.test.\t1\tIN\tCAA\t128 issuewild ";"',
    'example.test.\t1\tIN\tPTR\tptr.example.test.',
    'example.test.\t1\tIN\tCNAME\tc.example.test.',
    'x.example.test.\t1\tIN\tTYPE65280\t\\# 3 010203',
    'y.example.test.\t1\tIN\tA\t192.0.2.1',
    'z.example.test.\t1\tIN\tTYPE99\t\\# 0',
  ]);
});

test('parseZone() errors name the line of the faulty entry', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['$TTL 1\nwww A 1.2.3\n', /bad IPv4/, 2],
    ['$TTL 1\n\nwww A\n', /needs 1 rdata/, 3],
    ['$TTL 1\nwww BOGUS x\n', /unknown type BOGUS/, 2],
    ['$TTL 1\nwww CH A 1.2.3.4\n', /class differs/, 2],
    ['$TTL 1\nwww TXT "open\n', /unterminated/, 2],
    ['$TTL 1\nwww A ( 1.2.3.4\n', /unbalanced \(/, 3],
    ['$TTL 1\nwww A 1.2.3.4 )\n', /unbalanced \)/, 2],
    ['  A 1.2.3.4\n', /no owner/, 1],
    ['$TTL 1\nwww MX 70000 mail\n', /bad number/, 2],
    ['$TTL 1\nwww TYPE99 abc\n', /generic/, 2],
    ['$TTL 1\nwww A \\# 5 C0000201\n', /says 5 bytes/, 2],
    ['$TTL 1\nwww A \\# 3 C00002\n', /bad \\# rdata/, 2],
    ['$TTL 1\nwww..x A 1.2.3.4\n', /empty label/, 2],
    ['$GENERATE 1-2 x A 1.2.3.4\n', /unsupported directive/, 1],
    ['$TTL x\n', /\$TTL needs/, 1],
    ['$TTL 1\nwww AXFR x\n', /cannot appear/, 2],
    ['$TTL 1\nwww TXT "\\999"\n', /not a byte/, 2],
    [`$TTL 1\nwww TXT "${'x'.repeat(256)}"\n`, /over 255/, 2],
  ];
  for (const [text, message, line] of cases) {
    assert.throws(
      () => parseZone(text, { origin: 'e.test', file: 'db.e' }),
      (error: unknown) =>
        error instanceof ZoneSyntaxError &&
        error instanceof SyntaxError &&
        message.test(error.message) &&
        error.line === line &&
        error.message.startsWith(`db.e:${line}:`),
      text,
    );
  }
});

test('parseZone() refuses $INCLUDE unless given a reader', () => {
  assert.throws(() => parseZone('$INCLUDE other\n', { origin: 'e.test' }), /not allowed/);
});

test('parseZone() resolves $INCLUDE through the reader, with its own origin', () => {
  const files: Record<string, string> = {
    hosts: 'www A 192.0.2.1\n',
    nested: '$INCLUDE hosts\nftp A 192.0.2.2\n',
    bad: 'www A nope\n',
    loop: '$INCLUDE loop\n',
  };
  const include = (path: string): string => files[path] ?? '';
  const out = parseZone('$TTL 5\n$INCLUDE hosts sub\n$INCLUDE nested\nafter A 192.0.2.3\n', {
    origin: 'e.test',
    include,
  });
  assert.deepEqual(
    out.map((r) => r.name),
    ['www.sub.e.test', 'www.e.test', 'ftp.e.test', 'after.e.test'],
  );
  assert.throws(
    () => parseZone('$TTL 5\n$INCLUDE bad\n', { origin: 'e.test', include }),
    (e: unknown) => e instanceof ZoneSyntaxError && e.file === 'bad' && e.line === 1,
  );
  assert.throws(() => parseZone('$INCLUDE loop\n', { origin: 'e.test', include }), /too deep/);
});

test('parseZone() reads back what formatRecord() writes, escapes included', () => {
  const text = `$TTL 60
@ SOA ns1 hostmaster 1 2 3 4 5
odd\\.label\\032x A 192.0.2.1
t TXT "quote \\" back\\\\slash" "\\000\\255" ";()@$"
c CAA 0 iodef "mailto:a@e.test"
u TYPE65000 \\# 2 ABCD
`;
  const records = [
    ...parseZone(text, { origin: 'e.test' }),
    ...parseZone(SAMPLE_ZONE, { origin: SAMPLE_ORIGIN }),
  ];
  const again = parseZone(records.map(formatRecord).join('\n'), { origin: '.' });
  assert.deepEqual(again, records);
});

test('parseZone() throws only ZoneSyntaxError on random text', () => {
  const alphabet = fc.constantFrom(
    ...'abc@$.;()"\\ \t\n019ATXSOIN*-'.split(''),
    'A',
    'TXT',
    'SOA',
    '$TTL',
    '$ORIGIN',
    'IN',
    '\\#',
  );
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
      try {
        parseZone(parts.join(''), { origin: 'e.test', defaultTtl: 1 });
      } catch (error) {
        if (!(error instanceof ZoneSyntaxError)) throw error;
      }
    }),
    { numRuns: 3000 },
  );
});
