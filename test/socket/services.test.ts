import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { SocketError } from '../../src/socket/errors.js';
import {
  getprotobyname,
  getservbyname,
  getservbyport,
  parseProtocols,
  parseServices,
  ServiceDatabase,
  servicesTable,
} from '../../src/socket/services.js';
import { WELL_KNOWN_SERVICES } from '../../src/socket/well-known-services.js';

const dir = mkdtempSync(join(tmpdir(), 'polyport-services-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function assertNotFound(fn: () => unknown, detail: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SocketError, String(err));
    assert.equal(err.code, 'ENOENT');
    assert.equal(err.message, `${detail} (ENOENT)`);
    return true;
  });
}

test('getservbyname() gives the ports Python gives from the system files', () => {
  assert.equal(getservbyname('http'), 80);
  assert.equal(getservbyname('http', 'tcp'), 80);
  assert.equal(getservbyname('www'), 80);
  assert.equal(getservbyname('domain', 'udp'), 53);
  assert.equal(getservbyname('smtp', null), 25);
});

test('getservbyname() raises "service/proto not found" as Python does', () => {
  assertNotFound(() => getservbyname('http', 'udp'), 'service/proto not found');
  assertNotFound(() => getservbyname('nope'), 'service/proto not found');
  assertNotFound(() => getservbyname('HTTP'), 'service/proto not found');
  assertNotFound(() => getservbyname(''), 'service/proto not found');
  assert.throws(() => getservbyname(80 as unknown as string), TypeError);
  assert.throws(() => getservbyname('http', 6 as unknown as string), TypeError);
});

test('getservbyport() gives names and raises "port/proto not found" as Python does', () => {
  assert.equal(getservbyport(80), 'http');
  assert.equal(getservbyport(53, 'udp'), 'domain');
  assert.equal(getservbyport(1), 'tcpmux');
  assertNotFound(() => getservbyport(80, 'udp'), 'port/proto not found');
  assertNotFound(() => getservbyport(0), 'port/proto not found');
});

test('getservbyport() rejects a port outside 0-65535 with RangeError and a non-integer with TypeError', () => {
  const range = { name: 'RangeError', message: 'getservbyport: port must be 0-65535.' };
  assert.throws(() => getservbyport(70000), range);
  assert.throws(() => getservbyport(-1), range);
  assert.throws(() => getservbyport(80.5), TypeError);
  assert.throws(() => getservbyport('80' as unknown as number), TypeError);
});

test('getprotobyname() finds names and aliases and raises "protocol not found"', () => {
  assert.equal(getprotobyname('tcp'), 6);
  assert.equal(getprotobyname('TCP'), 6);
  assert.equal(getprotobyname('udp'), 17);
  assert.equal(getprotobyname('icmp'), 1);
  assert.equal(getprotobyname('ipv6-icmp'), 58);
  assertNotFound(() => getprotobyname('nope'), 'protocol not found');
  assert.throws(() => getprotobyname(6 as unknown as string), TypeError);
});

test('every service polyport serves resolves on every machine', () => {
  const served: ReadonlyArray<readonly [string, number, string]> = [
    ['echo', 7, 'tcp'],
    ['echo', 7, 'udp'],
    ['discard', 9, 'tcp'],
    ['discard', 9, 'udp'],
    ['daytime', 13, 'tcp'],
    ['daytime', 13, 'udp'],
    ['qotd', 17, 'tcp'],
    ['qotd', 17, 'udp'],
    ['chargen', 19, 'tcp'],
    ['chargen', 19, 'udp'],
    ['ftp-data', 20, 'tcp'],
    ['ftp', 21, 'tcp'],
    ['ssh', 22, 'tcp'],
    ['telnet', 23, 'tcp'],
    ['smtp', 25, 'tcp'],
    ['time', 37, 'tcp'],
    ['time', 37, 'udp'],
    ['domain', 53, 'tcp'],
    ['domain', 53, 'udp'],
    ['finger', 79, 'tcp'],
    ['http', 80, 'tcp'],
    ['pop3', 110, 'tcp'],
    ['https', 443, 'tcp'],
    ['submission', 587, 'tcp'],
    ['pop3s', 995, 'tcp'],
  ];
  const builtinOnly = ServiceDatabase.load({ services: join(dir, 'missing') });
  for (const [name, port, proto] of served) {
    assert.equal(getservbyname(name, proto), port, `${name}/${proto}`);
    assert.equal(getservbyport(port, proto), name, `${port}/${proto}`);
    assert.equal(builtinOnly.getservbyname(name, proto), port, `built-in ${name}/${proto}`);
    assert.equal(builtinOnly.getservbyport(port, proto), name, `built-in ${port}/${proto}`);
  }
});

test('ServiceDatabase.load() lets the system file win and fills its gaps from the built-in table', () => {
  const services = file(
    'services',
    '# a tiny file\nwebby 80/tcp www # not the usual name\n\nqotd 17/tcp quote\nbroken line\n',
  );
  const protocols = file('protocols', 'tcp 6 TCP\nmyproto 200 MINE\n');
  const db = ServiceDatabase.load({ services, protocols });
  assert.equal(db.getservbyport(80, 'tcp'), 'webby', 'the file names port 80/tcp');
  assert.equal(db.getservbyname('www'), 80);
  assertNotFound(() => db.getservbyname('http', 'tcp'), 'service/proto not found');
  assert.equal(db.getservbyname('qotd', 'udp'), 17, 'the file lacks qotd/udp');
  assert.equal(db.getservbyname('finger'), 79, 'the file lacks finger');
  assert.equal(db.getprotobyname('MINE'), 200);
  assert.equal(db.getprotobyname('udp'), 17);
});

test('ServiceDatabase.load() answers from the built-in table when the files are missing', () => {
  const db = ServiceDatabase.load({ services: join(dir, 'none'), protocols: join(dir, 'none') });
  assert.deepEqual(db.services, WELL_KNOWN_SERVICES);
  assert.equal(db.getservbyname('www', 'tcp'), 80);
  assert.equal(db.getservbyport(443, 'udp'), 'https');
  assert.equal(db.getprotobyname('tcp'), 6);
});

test('ServiceDatabase gives the first entry that matches, as glibc does', () => {
  const db = new ServiceDatabase(
    parseServices('one 5000/tcp shared\ntwo 5000/tcp shared\nthree 5000/udp\n'),
    [],
  );
  assert.equal(db.getservbyport(5000), 'one');
  assert.equal(db.getservbyport(5000, 'udp'), 'three');
  assert.equal(db.getservbyname('shared'), 5000);
  assert.equal(db.getservbyname('two'), 5000);
});

test('parseServices() and parseProtocols() read fields and skip malformed lines', () => {
  assert.deepEqual(parseServices('http\t\t80/tcp\t\twww\t# WorldWideWeb HTTP\r\n'), [
    { name: 'http', port: 80, proto: 'tcp', aliases: ['www'] },
  ]);
  assert.deepEqual(parseServices('a 70000/tcp\nb 80\nc x/tcp\nd 80/\n#e 1/tcp\nf 1/tcp'), [
    { name: 'f', port: 1, proto: 'tcp', aliases: [] },
  ]);
  assert.deepEqual(parseProtocols('ip\t0\tIP\t\t# internet protocol\nbad 256\nx y\n'), [
    { name: 'ip', number: 0, aliases: ['IP'] },
  ]);
});

test('parseServices() and parseProtocols() never throw on random text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      for (const s of parseServices(text)) {
        assert.ok(Number.isInteger(s.port) && s.port >= 0 && s.port <= 0xffff);
        assert.ok(s.name.length > 0 && s.proto.length > 0);
      }
      for (const p of parseProtocols(text)) assert.ok(p.number >= 0 && p.number <= 255);
    }),
  );
});

test('servicesTable() lists every service ordered by port then protocol', () => {
  const table = servicesTable();
  assert.ok(table.length >= WELL_KNOWN_SERVICES.length);
  for (let i = 1; i < table.length; i++) {
    const a = table[i - 1]!;
    const b = table[i]!;
    assert.ok(a.port < b.port || (a.port === b.port && a.proto <= b.proto), `${a.name} ${b.name}`);
  }
  assert.ok(table.some((s) => s.name === 'qotd' && s.proto === 'udp'));
});
