import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatIdentReply,
  IdentSession,
  parseIdentQuery,
  parseTcpTable,
  userNameIn,
} from '../../../src/protocols/ident/index.js';
import { chunkings } from '../../../src/testing/chunkings.js';

describe('ident codecs (RFC 1413)', () => {
  test('a query is two ports 1-65535 and a comma, spaces allowed around them', () => {
    assert.deepEqual(parseIdentQuery('6193, 23'), {
      type: 'query',
      serverPort: 6193,
      clientPort: 23,
    });
    assert.deepEqual(parseIdentQuery(' 65535 ,1 '), {
      type: 'query',
      serverPort: 65535,
      clientPort: 1,
    });
    for (const bad of ['0, 23', '6193, 65536', '6193 23', '6193,', 'a, b', '1, 2, 3', '']) {
      assert.equal(parseIdentQuery(bad).type, 'invalid', bad);
    }
    assert.deepEqual(parseIdentQuery('6193, 99999'), {
      type: 'invalid',
      serverPort: 6193,
      clientPort: 0,
    });
  });

  test('replies are the RFC lines; a user id loses control characters and an empty one is NO-USER', () => {
    assert.equal(
      formatIdentReply(6193, 23, { type: 'user', opsys: 'UNIX', userId: 'stjohns' }),
      '6193, 23 : USERID : UNIX : stjohns\r\n',
    );
    assert.equal(
      formatIdentReply(6195, 26, { type: 'error', error: 'NO-USER' }),
      '6195, 26 : ERROR : NO-USER\r\n',
    );
    assert.equal(
      formatIdentReply(1, 2, { type: 'user', opsys: 'UNIX', userId: 'ev\r\nil\x00' }),
      '1, 2 : USERID : UNIX : evil\r\n',
    );
    assert.equal(
      formatIdentReply(1, 2, { type: 'user', opsys: 'UNIX', userId: '\r\n' }),
      '1, 2 : ERROR : NO-USER\r\n',
    );
    const long = formatIdentReply(1, 2, { type: 'user', opsys: 'UNIX', userId: 'x'.repeat(600) });
    assert.equal(long.length, '1, 2 : USERID : UNIX : '.length + 512 + 2);
  });

  test('the session gives one event per line, however the input is cut, and answers in order', () => {
    const input = Buffer.from('6193, 23\r\nnonsense\n6195 ,26\r\n');
    for (const { label, chunks } of chunkings(input)) {
      const session = new IdentSession();
      const events = [];
      for (const chunk of chunks) {
        session.receiveData(chunk);
        for (let e = session.nextEvent(); e !== null; e = session.nextEvent()) events.push(e);
      }
      assert.deepEqual(
        events.map((e) => e.type),
        ['query', 'invalid', 'query'],
        label,
      );
      assert.equal(session.partialCommand, false, label);
      for (const e of events) session.answer(e, { type: 'error', error: 'NO-USER' });
      assert.equal(
        session.takeOutput().toString(),
        '6193, 23 : ERROR : NO-USER\r\n0, 0 : ERROR : INVALID-PORT\r\n6195, 26 : ERROR : NO-USER\r\n',
        label,
      );
    }
  });

  test('a line past 1000 octets is dropped as it comes and answered INVALID-PORT at its end', () => {
    const session = new IdentSession();
    session.receiveData(Buffer.alloc(1500, '1'));
    assert.equal(session.nextEvent(), null);
    assert.equal(session.partialCommand, true, 'the read timeout runs meanwhile');
    session.receiveData(Buffer.alloc(100_000, '2'));
    assert.equal(session.nextEvent(), null);
    session.receiveData(Buffer.from('3\r\n6193, 23\r\n'));
    assert.deepEqual(session.nextEvent(), { type: 'invalid', serverPort: 0, clientPort: 0 });
    assert.equal(session.nextEvent()?.type, 'query');
    assert.equal(session.partialCommand, false);
  });

  test("the kernel's TCP tables are read as established connections, IPv4 and IPv6 alike", () => {
    const v4 = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   1: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 2 1',
    ].join('\n');
    const [entry, ...rest] = parseTcpTable(v4);
    assert.deepEqual(rest, [], 'the listening socket is not a connection');
    assert.equal(entry?.local.port, 8080);
    assert.equal(entry?.remote.port, 54321);
    assert.equal(entry?.uid, 1000);
    assert.deepEqual([...(entry?.remote.address ?? [])].slice(10), [0xff, 0xff, 127, 0, 0, 2]);
    const v6 = [
      '  sl  local_address                         remote_address                        st',
      '   0: 00000000000000000000000001000000:0071 00000000000000000000000001000000:C350 01 00000000:00000000 00:00000000 00000000     7        0 3 1',
    ].join('\n');
    const [six] = parseTcpTable(v6);
    assert.equal(six?.uid, 7);
    assert.deepEqual([...(six?.remote.address ?? [])], [...Array(15).fill(0), 1], '::1');
  });

  test('user names come from passwd lines by uid', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n';
    assert.equal(userNameIn(passwd, 1000), 'alice');
    assert.equal(userNameIn(passwd, 0), 'root');
    assert.equal(userNameIn(passwd, 5), null);
  });
});
