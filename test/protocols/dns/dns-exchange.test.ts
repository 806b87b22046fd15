import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  createQuery,
  DnsTimeoutError,
  decodeMessage,
  encodeMessage,
  exchange,
  matchesQuery,
  Rcode,
  RRType,
  randomId,
  responseError,
  responseTo,
  serverText,
} from '../../../src/protocols/dns/index.js';
import { AF_INET, SOCK_DGRAM, socket } from '../../../src/socket/index.js';

const query = createQuery('www.example.test', RRType.A, { id: 1234 });

test('matchesQuery() accepts the response to the query, names compared ignoring case', () => {
  const response = responseTo({
    ...query,
    questions: [{ name: 'WWW.Example.TEST', type: RRType.A, class: 1 }],
  });
  assert.ok(matchesQuery(query, response));
});

test('matchesQuery() rejects another id, another question, or a message that is no response', () => {
  assert.ok(!matchesQuery(query, { ...responseTo(query), id: 1235 }));
  assert.ok(!matchesQuery(query, { ...responseTo(query), qr: false }));
  const other = createQuery('mail.example.test', RRType.A, { id: 1234 });
  assert.ok(!matchesQuery(query, responseTo(other)));
  const otherType = createQuery('www.example.test', RRType.AAAA, { id: 1234 });
  assert.ok(!matchesQuery(query, responseTo(otherType)));
  assert.ok(!matchesQuery(query, { ...responseTo(query), questions: [] }));
});

test('matchesQuery() accepts a FORMERR or NOTIMP without a question (the server could not read it)', () => {
  assert.ok(matchesQuery(query, { ...responseTo(query, Rcode.FORMERR), questions: [] }));
  assert.ok(matchesQuery(query, { ...responseTo(query, Rcode.NOTIMP), questions: [] }));
});

test('randomId() gives 16-bit ids that vary, across the refills of its read-ahead pool', () => {
  // 1,000 ids span four reads of the generator; 1,000 draws of 65,536 values repeat a few.
  const ids = Array.from({ length: 1000 }, () => randomId());
  assert.ok(new Set(ids).size > 950, `${new Set(ids).size} distinct ids of 1,000`);
  for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id <= 0xffff);
  // Both bytes of an id are random: the high and the low byte take many values.
  assert.ok(new Set(ids.map((id) => id >> 8)).size > 200);
  assert.ok(new Set(ids.map((id) => id & 0xff)).size > 200);
});

test("randomId() loads none of Node's crypto modules, which a one-query dig would pay for", () => {
  const script = `
    const before = new Set(process.moduleLoadList);
    const { randomId } = await import(${JSON.stringify(new URL('../../../src/protocols/dns/client/random-id.ts', import.meta.url).href)});
    randomId();
    const loaded = process.moduleLoadList.filter((m) => !before.has(m) && m.includes('crypto'));
    process.stdout.write(JSON.stringify(loaded));`;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), []);
});

test('serverText() writes IPv6 servers in brackets', () => {
  assert.equal(serverText(['127.0.0.1', 53]), '127.0.0.1:53');
  assert.equal(serverText(['::1', 53]), '[::1]:53');
});

test('responseError() picks the most specific class for each rcode', () => {
  assert.equal(responseError('x', responseTo(query)), null);
  assert.equal(responseError('x', responseTo(query, Rcode.NXDOMAIN))?.code, 'ENXDOMAIN');
  assert.equal(responseError('x', responseTo(query, Rcode.SERVFAIL))?.code, 'ESERVFAIL');
  assert.equal(responseError('x', responseTo(query, Rcode.REFUSED))?.code, 'EREFUSED');
  assert.equal(responseError('x', responseTo(query, Rcode.NOTIMP))?.code, 'ENOTIMP');
});

test('exchange() ignores a forged answer with the wrong id and waits for the real one', async () => {
  const server = socket(AF_INET, SOCK_DGRAM);
  await server.bind(['127.0.0.1', 0]);
  const address = server.getsockname() as [string, number];
  const serving = (async () => {
    const [bytes, from] = await server.recvfrom(512);
    const asked = decodeMessage(bytes);
    const forged = { ...responseTo(asked, Rcode.NXDOMAIN), id: (asked.id + 1) & 0xffff };
    await server.sendto(encodeMessage(forged), from);
    await server.sendto(Buffer.from('junk'), from);
    await server.sendto(encodeMessage(responseTo(asked)), from);
  })();
  try {
    const { response } = await exchange(
      createQuery('x.test', RRType.A, { id: randomId() }),
      address,
      {
        timeout: 2,
      },
    );
    assert.equal(response.rcode, Rcode.NOERROR);
    await serving;
  } finally {
    server.close();
  }
});

test('exchange() gives DnsTimeoutError when nothing answers, and rejects a bad timeout', async () => {
  const server = socket(AF_INET, SOCK_DGRAM);
  await server.bind(['127.0.0.1', 0]);
  try {
    const address = server.getsockname() as [string, number];
    await assert.rejects(exchange(query, address, { timeout: 0.1 }), DnsTimeoutError);
    await assert.rejects(exchange(query, address, { timeout: 0 }), RangeError);
  } finally {
    server.close();
  }
});
