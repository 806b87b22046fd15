import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  apopDigest,
  encodeAuthPlain,
  Pop3ServerSession,
  pop3Uid,
} from '../../../src/protocols/mail/index.js';
import { chunkings } from '../../../src/testing/index.js';
import { runPop3, TIMESTAMP } from './pop3-harness.js';

test('apopDigest() matches the example of RFC 1939 §7', () => {
  assert.equal(apopDigest(TIMESTAMP, 'tanstaaf'), 'c4c9334bac560ecc979e58001b3e22fb');
});

test('Pop3ServerSession runs a full session the same for whole, byte-by-byte and split input', () => {
  const input =
    'USER demo\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL 2\r\nRETR 2\r\nDELE 1\r\nQUIT\r\n';
  const expected =
    `+OK polyport ready. ${TIMESTAMP}\r\n+OK\r\n+OK Logged in.\r\n+OK 3 91\r\n` +
    '+OK 3 messages:\r\n1 28\r\n2 48\r\n3 15\r\n.\r\n+OK 2 uid-m2\r\n' +
    '+OK 48 octets\r\nSubject: two\r\nX: y\r\n\r\n..dot line\r\nsecond\r\nthird\r\n.\r\n' +
    '+OK Marked to be deleted.\r\n+OK Logging out, messages deleted.\r\n';
  for (const { cuts } of chunkings(input)) {
    const run = runPop3(input, cuts);
    assert.equal(run.output, expected, `cuts ${cuts}`);
    assert.deepEqual(run.events, ['login USER demo', 'retrieve', 'commit-deletions', 'quit']);
    assert.deepEqual(run.committed, ['m1']);
    assert.ok(run.session.closed);
  }
});

test('Pop3ServerSession deletes nothing when the connection drops without QUIT', () => {
  const run = runPop3('USER demo\r\nPASS secret\r\nDELE 1\r\nDELE 2\r\n');
  assert.equal(run.committed, null);
  assert.ok(!run.events.includes('commit-deletions'));
});

test('Pop3ServerSession forgets deletion marks on RSET and hides marked messages', () => {
  const run = runPop3(
    'USER demo\r\nPASS secret\r\nDELE 2\r\nSTAT\r\nLIST 2\r\nRETR 2\r\nDELE 2\r\nUIDL\r\nRSET\r\nSTAT\r\nQUIT\r\n',
  );
  const lines = run.output.split('\r\n');
  assert.ok(lines.includes('+OK 2 43'));
  assert.equal(lines.filter((l) => l === '-ERR Message is deleted.').length, 3);
  assert.ok(run.output.includes('+OK\r\n1 uid-m1\r\n3 uid-m3\r\n.\r\n'));
  assert.ok(lines.includes('+OK 3 91'));
  assert.equal(run.committed, null);
  assert.ok(run.output.endsWith('+OK Logging out.\r\n'));
});

test('Pop3ServerSession logs in with APOP and refuses a wrong digest', () => {
  const good = runPop3(`APOP demo ${apopDigest(TIMESTAMP, 'secret')}\r\nSTAT\r\n`);
  assert.deepEqual(good.events, ['login APOP demo']);
  assert.ok(good.output.endsWith('+OK Logged in.\r\n+OK 3 91\r\n'));
  const bad = runPop3(`APOP demo ${apopDigest(TIMESTAMP, 'wrong')}\r\nSTAT\r\n`);
  assert.ok(bad.output.includes('-ERR [AUTH] Authentication failed.\r\n'));
  assert.ok(bad.output.endsWith('-ERR Unknown command: STAT\r\n'));
});

test('Pop3ServerSession does not offer APOP without a banner timestamp', () => {
  const run = runPop3(`APOP demo ${'0'.repeat(32)}\r\n`, [], { allowPlaintextAuth: true });
  assert.equal(run.output, '+OK polyport ready.\r\n-ERR Unknown command: APOP\r\n');
});

test('Pop3ServerSession logs in with AUTH PLAIN, inline or after a continuation', () => {
  const token = encodeAuthPlain({ username: 'demo', password: 'secret' });
  assert.ok(runPop3(`AUTH PLAIN ${token}\r\n`).output.endsWith('+OK Logged in.\r\n'));
  const two = runPop3(`AUTH PLAIN\r\n${token}\r\n`);
  assert.ok(two.output.endsWith('+ \r\n+OK Logged in.\r\n'));
  assert.ok(
    runPop3('AUTH PLAIN\r\n*\r\n').output.endsWith('-ERR Authentication aborted by client.\r\n'),
  );
  assert.ok(runPop3('AUTH\r\n').output.endsWith('+OK\r\nPLAIN\r\n.\r\n'));
  assert.ok(runPop3('AUTH CRAM-MD5\r\n').output.includes('-ERR Unsupported'));
});

test('Pop3ServerSession answers [IN-USE] when the glue finds the mailbox locked', () => {
  const run = runPop3('USER busy\r\nPASS secret\r\nSTAT\r\n');
  assert.ok(run.output.includes('-ERR [IN-USE] Mailbox is locked by another POP3 session.\r\n'));
  assert.ok(run.output.endsWith('-ERR Unknown command: STAT\r\n'));
});

test('Pop3ServerSession refuses plain-text login before TLS unless allowed', () => {
  const run = runPop3('USER demo\r\nAUTH PLAIN AGRlbW8Ac2VjcmV0\r\nCAPA\r\n', [], { stls: true });
  assert.equal(run.output.split('\r\n').filter((l) => l.includes('[AUTH] Plaintext')).length, 2);
  assert.ok(run.output.includes('STLS\r\n') && !run.output.includes('USER\r\n'));
});

test('Pop3ServerSession answers STLS, hands later bytes to TLS and starts over after it', () => {
  const session = new Pop3ServerSession({ stls: true });
  session.receiveData(Buffer.from('STLS\r\nUSER injected\r\n'));
  assert.deepEqual(session.nextEvent(), { type: 'starttls' });
  assert.equal(session.nextEvent(), null);
  assert.ok(session.takeOutput().toString().endsWith('+OK Begin TLS negotiation now.\r\n'));
  assert.equal(session.takeBuffered().toString(), 'USER injected\r\n');
  session.tlsStarted();
  session.receiveData(Buffer.from('CAPA\r\nUSER demo\r\nPASS secret\r\n'));
  assert.equal(session.nextEvent()?.type, 'login');
  const out = session.takeOutput().toString();
  assert.ok(out.includes('USER\r\nSASL PLAIN\r\n') && !out.includes('STLS'));
});

test('Pop3ServerSession lists its capabilities for the current state', () => {
  const before = runPop3('CAPA\r\n').output;
  assert.ok(
    before.endsWith(
      '+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nUSER\r\nSASL PLAIN\r\n.\r\n',
    ),
  );
  const after = runPop3('USER demo\r\nPASS secret\r\nCAPA\r\n').output;
  assert.ok(after.endsWith('PIPELINING\r\n.\r\n'));
});

test('Pop3ServerSession cuts TOP after the header and n body lines', () => {
  const cases: Array<[string, string]> = [
    ['TOP 2 0', 'Subject: two\r\nX: y\r\n\r\n.\r\n'],
    ['TOP 2 1', 'Subject: two\r\nX: y\r\n\r\n..dot line\r\n.\r\n'],
    ['TOP 2 3', 'Subject: two\r\nX: y\r\n\r\n..dot line\r\nsecond\r\nthird\r\n.\r\n'],
    ['TOP 2 99', 'Subject: two\r\nX: y\r\n\r\n..dot line\r\nsecond\r\nthird\r\n.\r\n'],
    ['TOP 3 0', 'No header end\r\n.\r\n'],
  ];
  for (const [command, body] of cases) {
    const run = runPop3(`USER demo\r\nPASS secret\r\n${command}\r\n`);
    assert.ok(run.output.endsWith(`+OK Logged in.\r\n+OK\r\n${body}`), command);
  }
});

test('Pop3ServerSession answers every bad command with -ERR', () => {
  const login = 'USER demo\r\nPASS secret\r\n';
  const cases: Array<[string, string]> = [
    ['FOO\r\n', '-ERR Unknown command: FOO'],
    ['STAT\r\n', '-ERR Unknown command: STAT'],
    ['PASS x\r\n', '-ERR No username given.'],
    ['USER\r\n', '-ERR No username given.'],
    ['STLS\r\n', '-ERR TLS is not available.'],
    ['APOP demo\r\n', '-ERR Invalid APOP parameters.'],
    [`${login}RETR\r\n`, '-ERR Invalid message number:'],
    [`${login}RETR 1 2\r\n`, '-ERR RETR: Invalid parameters.'],
    [`${login}RETR 9\r\n`, "-ERR There's no message 9."],
    [`${login}RETR 0\r\n`, "-ERR There's no message 0."],
    [`${login}LIST x\r\n`, '-ERR Invalid message number: x'],
    [`${login}TOP 1\r\n`, '-ERR TOP: Invalid parameters.'],
    [`${login}TOP 1 -1\r\n`, '-ERR Invalid number of lines: -1'],
    [`${login}DELE\r\n`, '-ERR Invalid message number:'],
    [`${login}USER demo\r\n`, '-ERR Unknown command: USER'],
    [`${login}NOOP\x01\r\n`, '-ERR Invalid characters in command.'],
    [`NOOP ${'x'.repeat(2000)}\r\n`, '-ERR Input line too long.'],
  ];
  for (const [input, reply] of cases) {
    const run = runPop3(input);
    assert.equal(run.output.trimEnd().split('\r\n').pop(), reply, JSON.stringify(input));
  }
});

test('Pop3ServerSession hangs up after maxErrors bad commands', () => {
  const run = runPop3('A\r\nB\r\nC\r\nNOOP\r\n', [], { maxErrors: 3 });
  assert.ok(run.output.endsWith('-ERR Unknown command: C\r\n-ERR Too many bad commands.\r\n'));
  assert.deepEqual(run.events, ['close']);
});

test('Pop3ServerSession rejects a uid POP3 cannot carry', () => {
  const session = new Pop3ServerSession({ allowPlaintextAuth: true });
  session.receiveData(Buffer.from('USER a\r\nPASS b\r\n'));
  session.nextEvent();
  assert.throws(() => session.loginSucceeded([{ id: 'x', size: 1, uid: 'has space' }]), RangeError);
  assert.throws(() => session.retrieveDone(), /no retrieve decision/);
});

test('Pop3ServerSession never crashes on random bytes and always answers +OK or -ERR', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const run = runPop3(Buffer.from(bytes).toString('latin1'), [], {
        allowPlaintextAuth: true,
        maxErrors: 1000,
      });
      assert.match(run.output, /^\+OK/);
    }),
  );
});

test('Pop3ServerSession never crashes on random command sequences', () => {
  const command = fc.constantFrom(
    'USER demo',
    'PASS secret',
    'PASS bad',
    'STAT',
    'LIST',
    'LIST 1',
    'UIDL',
    'RETR 1',
    'RETR 4',
    'TOP 2 1',
    'DELE 1',
    'DELE 3',
    'RSET',
    'NOOP',
    'CAPA',
    'AUTH PLAIN',
    '*',
    'QUIT',
    'STLS',
  );
  fc.assert(
    fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
      runPop3(commands.map((c) => `${c}\r\n`).join(''), [], {
        allowPlaintextAuth: true,
        stls: true,
        maxErrors: 1000,
      });
    }),
  );
});

test('pop3Uid() keeps ids POP3 can carry and digests the others', () => {
  assert.equal(pop3Uid('1700000000.M1P2Q3.mx,S=120'), '1700000000.M1P2Q3.mx,S=120');
  const long = pop3Uid(`1700000000.M1P2Q3.${'h'.repeat(80)}`);
  assert.match(long, /^[0-9a-f]{40}$/);
  assert.equal(pop3Uid('has space'), pop3Uid('has space'));
});

test('Pop3ServerSession with maxPendingOutput answers no further command until its output is taken', () => {
  const pop = new Pop3ServerSession({ allowPlaintextAuth: true, maxPendingOutput: 40 });
  pop.receiveData(Buffer.from('USER demo\r\nPASS secret\r\n'));
  assert.equal(pop.nextEvent()?.type, 'login');
  pop.loginSucceeded([
    { id: 'm1', size: 100, uid: 'u1' },
    { id: 'm2', size: 200, uid: 'u2' },
  ]);
  pop.takeOutput();
  pop.receiveData(Buffer.from('LIST\r\nLIST\r\nLIST\r\nNOOP\r\n'));
  const seen: string[] = [];
  for (let round = 0; round < 10; round++) {
    assert.equal(pop.nextEvent(), null);
    const out = pop.takeOutput().toString();
    if (out === '') break;
    seen.push(out);
  }
  const list = '+OK 2 messages:\r\n1 100\r\n2 200\r\n.\r\n';
  // A LIST answer is 34 bytes: after two the output is over 40, and the session waits.
  assert.deepEqual(seen, [list + list, list + '+OK\r\n']);
});
