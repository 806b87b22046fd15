/** The FTP control connection's state machine, driven without sockets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FtpControlSession } from '../../../src/protocols/ftp/codec/control-session.js';
import type {
  FtpControlEvent,
  FtpControlSessionOptions,
} from '../../../src/protocols/ftp/codec/control-session-types.js';
import { reply } from '../../../src/protocols/ftp/codec/reply.js';
import { chunkings } from '../../../src/testing/index.js';

/** How a test's stand-in for the server glue answers each event that waits for a decision. */
function decideAll(s: FtpControlSession, ev: FtpControlEvent): void {
  switch (ev.type) {
    case 'login':
      if (ev.password === 'good' || ev.anonymous)
        s.acceptLogin(['list', 'read', 'write', 'mkdir', 'rename']);
      else s.refuseLogin();
      return;
    case 'passive':
      s.passiveOpened(40001, '127.0.0.1');
      return;
    case 'file':
      if (ev.verb === 'RNFR') s.answer(reply(350, 'Ready for RNTO.'));
      else s.answer(reply(250, `${ev.verb} ok.`));
      return;
    case 'stat':
      s.answer(reply(213, 'Status of x:', 'End of status'));
      return;
    case 'transfer':
      s.transferStarted('Here it comes.');
      s.transferDone(reply(226, 'Transfer complete.'));
      return;
    case 'transfer-status':
      s.transferStatus(7);
      return;
    case 'auth-tls':
      s.tlsStarted();
      return;
    default:
      return;
  }
}

/** Feeds the chunks one after another, handling events between them; returns events and output. */
function drive(
  chunks: readonly Buffer[],
  options: FtpControlSessionOptions = {},
  decide: (s: FtpControlSession, ev: FtpControlEvent) => void = decideAll,
): { events: FtpControlEvent[]; output: string; session: FtpControlSession } {
  const session = new FtpControlSession({ peerHost: '127.0.0.1', ...options });
  const events: FtpControlEvent[] = [];
  let output = session.takeOutput().toString('utf8');
  for (const chunk of chunks) {
    session.receiveData(chunk);
    for (let ev = session.nextEvent(); ev !== null; ev = session.nextEvent()) {
      events.push(ev);
      decide(session, ev);
    }
    output += session.takeOutput().toString('utf8');
  }
  return { events, output, session };
}

/** The reply codes in `output`, one per final reply line. */
function codes(output: string): number[] {
  return output
    .split('\r\n')
    .filter((l) => /^\d{3} /.test(l))
    .map((l) => Number(l.slice(0, 3)));
}

test('FtpControlSession gives the same events and replies for input whole, byte by byte and split anywhere', () => {
  const input = Buffer.from(
    'USER demo\r\nPASS good\r\nTYPE I\r\nEPSV\r\nREST 10\r\nRETR a.txt\r\nRNFR a\r\nRNTO b\r\nQUIT\r\n',
  );
  const expected = drive([input]);
  assert.deepEqual(codes(expected.output), [220, 331, 230, 200, 229, 350, 150, 226, 350, 250, 221]);
  assert.deepEqual(
    expected.events.map((e) => e.type),
    ['logout', 'login', 'passive', 'transfer', 'file', 'file', 'quit'],
  );
  for (const { label, chunks } of chunkings(input)) {
    const got = drive(chunks);
    assert.deepEqual(got.events, expected.events, label);
    assert.equal(got.output, expected.output, label);
  }
});

test('FtpControlSession greets with the banner and answers early, unknown and left-out commands itself', () => {
  const { events, output } = drive(
    [Buffer.from('SYST\r\nPWD\r\nFROB\r\nSITE CHMOD 1 x\r\nACCT x\r\nPASS x\r\nRETR a\r\n')],
    { banner: 'hello there' },
  );
  assert.ok(output.startsWith('220 hello there\r\n'));
  assert.deepEqual(codes(output), [220, 215, 530, 500, 502, 502, 503, 530]);
  assert.deepEqual(events, []);
});

test('FtpControlSession asks the glue to check PASS, and a refused login stays logged out', () => {
  const { events, output, session } = drive([
    Buffer.from('USER demo\r\nPASS bad\r\nPWD\r\nUSER demo\r\nPASS good\r\nPASS again\r\n'),
  ]);
  assert.deepEqual(
    events.filter((e) => e.type === 'login'),
    [
      { type: 'login', user: 'demo', password: 'bad', anonymous: false },
      { type: 'login', user: 'demo', password: 'good', anonymous: false },
    ],
  );
  assert.deepEqual(codes(output), [220, 331, 530, 530, 331, 230, 230]);
  assert.equal(session.user, 'demo');
});

test('FtpControlSession holds later commands while a login is checked', () => {
  const session = new FtpControlSession();
  session.receiveData(Buffer.from('USER demo\r\nPASS good\r\nPWD\r\n'));
  assert.deepEqual(session.nextEvent(), { type: 'logout' });
  assert.equal(session.nextEvent()?.type, 'login');
  assert.equal(session.nextEvent(), null, 'PWD waits for the login decision');
  assert.equal(session.pendingDecision, 'login');
  session.acceptLogin(['list']);
  assert.deepEqual(session.nextEvent(), { type: 'file', verb: 'PWD', arg: '' });
});

test('FtpControlSession refuses anonymous when it is off, and named users before AUTH TLS when TLS is required', () => {
  assert.deepEqual(
    codes(drive([Buffer.from('USER anonymous\r\nPASS x\r\n')]).output),
    [220, 530, 503],
  );
  const anon = drive([Buffer.from('USER ftp\r\nPASS me@x\r\n')], { anonymous: true });
  assert.deepEqual(codes(anon.output), [220, 331, 230]);
  assert.equal(anon.session.user, 'anonymous');
  const tls = drive([Buffer.from('USER demo\r\n')], { tls: true, requireTls: true });
  assert.match(tls.output, /530 This server requires AUTH TLS before login/);
});

test('FtpControlSession enforces AUTH TLS, then PBSZ, then PROT', () => {
  const before = drive([Buffer.from('PBSZ 0\r\nPROT P\r\nAUTH TLS\r\n')]);
  assert.deepEqual(codes(before.output), [220, 503, 503, 502], 'no TLS offered: AUTH is 502');
  const session = new FtpControlSession({ tls: true });
  session.receiveData(Buffer.from('PROT P\r\nAUTH TLS\r\n'));
  assert.deepEqual(session.nextEvent(), { type: 'auth-tls', mechanism: 'TLS' });
  assert.equal(session.wantsInput, false, 'the bytes after 234 belong to the handshake');
  assert.equal(session.receiveData(Buffer.from('garbage\r\n')), 0);
  assert.equal(session.nextEvent(), null);
  session.tlsStarted();
  assert.equal(session.secure, true);
  session.receiveData(Buffer.from('PROT P\r\nPBSZ 0\r\nPROT P\r\nAUTH TLS\r\n'));
  assert.equal(session.nextEvent(), null);
  assert.equal(session.protPrivate, true);
  assert.deepEqual(codes(session.takeOutput().toString()), [220, 503, 234, 503, 200, 200, 503]);
});

test('FtpControlSession refuses AUTH TLS with commands pipelined after it, which TLS would lose', () => {
  const { events, output } = drive([Buffer.from('AUTH TLS\r\nFEAT\r\n')], { tls: true });
  assert.deepEqual(events, []);
  assert.match(output, /503 Commands after AUTH must wait for its reply/);
});

test('FtpControlSession refuses PROT C on a server that requires protected data', () => {
  const session = new FtpControlSession({ tls: true, requireTls: true });
  session.receiveData(Buffer.from('AUTH TLS\r\n'));
  session.nextEvent();
  session.tlsStarted();
  session.receiveData(Buffer.from('PBSZ 0\r\nPROT C\r\n'));
  assert.equal(session.nextEvent(), null);
  assert.match(session.takeOutput().toString(), /534 PROT C refused/);
});

test('FtpControlSession passes REST to the next transfer only, with the TYPE and PROT in force', () => {
  const { events } = drive([
    Buffer.from('USER demo\r\nPASS good\r\nREST 100\r\nPASV\r\nSTOR a\r\nEPSV\r\nRETR a\r\n'),
  ]);
  const transfers = events.filter((e) => e.type === 'transfer');
  assert.deepEqual(transfers, [
    { type: 'transfer', verb: 'STOR', arg: 'a', rest: 100, ascii: true, protected: false },
    { type: 'transfer', verb: 'RETR', arg: 'a', rest: 0, ascii: true, protected: false },
  ]);
});

test('FtpControlSession answers a transfer without data setup 425, and each setup serves one transfer', () => {
  const { events, output } = drive([
    Buffer.from('USER demo\r\nPASS good\r\nRETR a\r\nPASV\r\nLIST\r\nNLST\r\n'),
  ]);
  assert.deepEqual(codes(output), [220, 331, 230, 425, 227, 150, 226, 425]);
  assert.equal(events.filter((e) => e.type === 'transfer').length, 1);
  assert.match(output, /227 Entering Passive Mode \(127,0,0,1,156,65\)/);
});

test('FtpControlSession refuses a transfer without PROT P when TLS is required (not anonymous)', () => {
  const session = new FtpControlSession({ tls: true, requireTls: true, anonymous: true });
  session.receiveData(Buffer.from('USER anonymous\r\nPASS x\r\nEPSV\r\nRETR a\r\n'));
  const seen: string[] = [];
  for (let ev = session.nextEvent(); ev !== null; ev = session.nextEvent()) {
    seen.push(ev.type);
    decideAll(session, ev);
  }
  assert.deepEqual(seen, ['logout', 'login', 'passive', 'transfer'], 'anonymous needs no PROT P');
  const named = drive([Buffer.from('USER demo\r\n')], { tls: true, requireTls: true });
  assert.match(named.output, /530 /);
});

test('FtpControlSession sets up data connections: EPSV ALL, family checks and the bounce check', () => {
  const login = 'USER demo\r\nPASS good\r\n';
  const all = drive([Buffer.from(`${login}EPSV ALL\r\nPASV\r\nPORT 127,0,0,1,200,10\r\nEPSV\r\n`)]);
  assert.deepEqual(codes(all.output), [220, 331, 230, 200, 503, 503, 229]);
  const v6 = drive([Buffer.from(`${login}PASV\r\nEPSV 1\r\nEPSV 2\r\n`)], { localFamily: 6 });
  assert.deepEqual(codes(v6.output), [220, 331, 230, 425, 522, 229]);
  const bounce = drive([
    Buffer.from(
      `${login}PORT 10,0,0,9,200,10\r\nEPRT |1|127.0.0.1|51210|\r\nPORT 127,0,0,1,0,21\r\n`,
    ),
  ]);
  assert.deepEqual(codes(bounce.output), [220, 331, 230, 504, 200, 504]);
  assert.deepEqual(
    bounce.events.filter((e) => e.type !== 'logout' && e.type !== 'login'),
    [
      { type: 'bounce-refused', arg: '10,0,0,9,200,10' },
      { type: 'active', target: { host: '127.0.0.1', port: 51210 } },
      { type: 'bounce-refused', arg: '127,0,0,1,0,21' },
    ],
  );
});

test('FtpControlSession answers 425 when the passive listener cannot open', () => {
  const { output } = drive(
    [Buffer.from('USER demo\r\nPASS good\r\nPASV\r\nRETR a\r\n')],
    {},
    (s, ev) => (ev.type === 'passive' ? s.passiveFailed() : decideAll(s, ev)),
  );
  assert.deepEqual(codes(output), [220, 331, 230, 425, 425]);
});

test('FtpControlSession lets RNTO follow only an RNFR answered 350, at once', () => {
  const login = 'USER demo\r\nPASS good\r\n';
  const ok = drive([Buffer.from(`${login}RNFR a\r\nRNTO b\r\nRNTO c\r\n`)]);
  assert.deepEqual(
    ok.events.filter((e) => e.type === 'file'),
    [
      { type: 'file', verb: 'RNFR', arg: 'a' },
      { type: 'file', verb: 'RNTO', arg: 'b', from: 'a' },
    ],
  );
  assert.deepEqual(codes(ok.output), [220, 331, 230, 350, 250, 503]);
  const between = drive([Buffer.from(`${login}RNFR a\r\nNOOP\r\nRNTO b\r\n`)]);
  assert.deepEqual(codes(between.output), [220, 331, 230, 350, 200, 503]);
  const refused = drive([Buffer.from(`${login}RNFR a\r\nRNTO b\r\n`)], {}, (s, ev) =>
    ev.type === 'file' ? s.answer(reply(550, 'No such file.')) : decideAll(s, ev),
  );
  assert.deepEqual(codes(refused.output), [220, 331, 230, 550, 503]);
});

test('FtpControlSession answers ABOR, STAT and NOOP during a transfer and holds other commands', () => {
  const session = new FtpControlSession({ peerHost: '127.0.0.1' });
  session.receiveData(Buffer.from('USER demo\r\nPASS good\r\nPASV\r\nRETR big\r\n'));
  for (let ev = session.nextEvent(); ev !== null; ev = session.nextEvent()) {
    if (ev.type === 'transfer') break;
    decideAll(session, ev);
  }
  assert.equal(session.transferActive, true);
  session.transferStarted('Opening BINARY mode data connection.');
  session.receiveData(Buffer.from('PWD\r\nNOOP\r\nSTAT\r\nABOR\r\n'));
  assert.deepEqual(session.nextEvent(), { type: 'transfer-status' });
  assert.equal(session.nextEvent(), null, 'nothing more until STAT is answered');
  session.transferStatus(4096);
  assert.deepEqual(session.nextEvent(), { type: 'abort' });
  assert.equal(session.nextEvent(), null, 'PWD waits for the transfer');
  session.transferDone(reply(426, 'Connection closed; transfer aborted.'));
  assert.deepEqual(session.nextEvent(), { type: 'file', verb: 'PWD', arg: '' });
  const out = session.takeOutput().toString();
  assert.deepEqual(codes(out), [220, 331, 230, 227, 150, 200, 213, 426, 226]);
  assert.match(out, /213 Status: RETR big: 4096 bytes transferred\./);
});

test('FtpControlSession answers ABOR with no transfer 225 and drops the data setup', () => {
  const { events, output } = drive([
    Buffer.from('USER demo\r\nPASS good\r\nPASV\r\nABOR\r\nRETR a\r\n'),
  ]);
  assert.ok(events.some((e) => e.type === 'data-reset'));
  assert.deepEqual(codes(output), [220, 331, 230, 227, 225, 425]);
});

test('FtpControlSession ends at QUIT after answering what came before it, and reads nothing after', () => {
  const { events, output, session } = drive([Buffer.from('NOOP\r\nQUIT\r\nNOOP\r\n')]);
  assert.deepEqual(events, [{ type: 'quit' }]);
  assert.deepEqual(codes(output), [220, 200, 221]);
  assert.equal(session.closed, true);
  assert.equal(session.wantsInput, false);
  assert.equal(session.receiveData(Buffer.from('NOOP\r\n')), 0);
});

test('FtpControlSession keeps TYPE, checks MODE and STRU, and reports its state in STAT', () => {
  const { output } = drive([
    Buffer.from(
      'USER demo\r\nPASS good\r\nTYPE I\r\nMODE B\r\nMODE S\r\nSTRU R\r\nSTRU F\r\nSTAT\r\nSTAT x\r\n',
    ),
  ]);
  assert.deepEqual(codes(output), [220, 331, 230, 200, 504, 200, 504, 200, 211, 213]);
  assert.match(output, / Logged in as demo\r\n/);
  assert.match(output, / TYPE: BINARY,/);
  assert.match(output, / No data connection\r\n/);
});

test('FtpControlSession REIN logs out: commands need a login again', () => {
  const { events, output } = drive([Buffer.from('USER demo\r\nPASS good\r\nREIN\r\nPWD\r\n')]);
  assert.deepEqual(codes(output), [220, 331, 230, 220, 530]);
  assert.equal(events.filter((e) => e.type === 'logout').length, 2);
});

test('FtpControlSession closes after refuseLoginAndClose(), refuseFlood() and timedOut()', () => {
  for (const end of ['login', 'flood', 'timeout'] as const) {
    const session = new FtpControlSession();
    session.receiveData(Buffer.from('USER demo\r\nPASS bad\r\nNOOP\r\n'));
    session.nextEvent();
    assert.equal(session.nextEvent()?.type, 'login');
    if (end === 'login') session.refuseLoginAndClose();
    else if (end === 'flood') session.refuseFlood();
    else session.timedOut();
    assert.equal(session.closed, true, end);
    assert.equal(session.nextEvent(), null, end);
    assert.match(session.takeOutput().toString(), /421 [^\r]+\r\n$/, end);
  }
});

test('FtpControlSession stops wanting input once maxQueuedCommands wait, and counts the lines it got', () => {
  const session = new FtpControlSession({ maxQueuedCommands: 3 });
  assert.equal(session.receiveData(Buffer.from('NOOP\r\nNOOP\r\nNO')), 2);
  assert.equal(session.partialCommand, true);
  assert.equal(session.wantsInput, true);
  assert.equal(session.receiveData(Buffer.from('OP\r\n')), 1);
  assert.equal(session.wantsInput, false);
  assert.equal(session.nextEvent(), null);
  assert.equal(session.wantsInput, true);
  assert.equal(session.idle, true);
});

test('FtpControlSession decision methods throw when nothing of that kind is pending', () => {
  const session = new FtpControlSession();
  assert.throws(() => session.acceptLogin([]), /no login decision/);
  assert.throws(() => session.passiveOpened(1, 'x'), /no passive decision/);
  assert.throws(() => session.answer(reply(200, 'x')), /no file decision/);
  assert.throws(() => session.transferDone(reply(226, 'x')), /no transfer decision/);
  assert.throws(() => session.transferStatus(0), /no status decision/);
  assert.throws(() => session.tlsStarted(), /no tls decision/);
});

test('FtpControlSession answers 451 when the glue fails a decision, and reads on', () => {
  const { output } = drive(
    [Buffer.from('USER demo\r\nPASS good\r\nMKD x\r\nNOOP\r\n')],
    {},
    (s, ev) => (ev.type === 'file' ? s.actionFailed() : decideAll(s, ev)),
  );
  assert.deepEqual(codes(output), [220, 331, 230, 451, 200]);
});

test('FtpControlSession sends nothing after its 421: a login decided after a timeout is not answered', () => {
  const session = new FtpControlSession();
  session.receiveData(Buffer.from('USER demo\r\nPASS good\r\n'));
  session.nextEvent();
  assert.equal(session.nextEvent()?.type, 'login');
  session.timedOut();
  session.acceptLogin(['read']);
  const out = session.takeOutput().toString();
  assert.deepEqual(codes(out), [220, 331, 421]);
  assert.ok(out.endsWith('421 Timeout: closing the control connection.\r\n'));
});
