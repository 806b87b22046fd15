/** The FTP control connection's glue on the kit, driven without sockets through StringTransport. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FtpControlSession } from '../../../src/protocols/ftp/codec/control-session.js';
import { CommandRate } from '../../../src/protocols/ftp/server/command-rate.js';
import { FtpHandler } from '../../../src/protocols/ftp/server/ftp-handler.js';
import { FtpServerSession } from '../../../src/protocols/ftp/server/ftp-server-session.js';
import type {
  FtpServiceContext,
  FtpServiceOptions,
} from '../../../src/protocols/ftp/server/ftp-service-context.js';
import { InputGatedTransport } from '../../../src/protocols/ftp/server/input-gated-transport.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import { PROTOCOL_TLS_SERVER, SSLContext } from '../../../src/socket/index.js';
import { chunkings } from '../../../src/testing/chunkings.js';
import { ManualClock } from '../../../src/testing/manual-clock.js';
import { StringTransport } from '../../../src/testing/string-transport.js';

const root = mkdtempSync(join(tmpdir(), 'polyport-ftp-handler-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A password check the test answers when it likes. */
class PendingCheck {
  #resolve: ((ok: boolean) => void) | null = null;

  readonly verify = (): Promise<boolean> =>
    new Promise((resolve) => {
      this.#resolve = resolve;
    });

  answer(ok: boolean): void {
    const resolve = this.#resolve;
    assert.ok(resolve !== null, 'a password check is waiting');
    this.#resolve = null;
    resolve(ok);
  }
}

/** One control connection over a StringTransport, with the service's settings overridable. */
function connect(
  options: Partial<FtpServiceOptions> & { readonly maxCommandsPerSecond?: number } = {},
  transportOptions: ConstructorParameters<typeof StringTransport>[0] = {},
) {
  const clock = new ManualClock(1_000);
  const ftpOptions: FtpServiceOptions = {
    address: ['127.0.0.1', 0],
    root,
    users: [{ name: 'demo', password: 'unused', home: '/', permissions: ['list', 'read'] }],
    ...options,
  };
  const context: FtpServiceContext = {
    options: ftpOptions,
    root,
    users: new Map(ftpOptions.users.map((u) => [u.name, u])),
    limits: DEFAULT_LIMITS,
    clock,
    observer: {},
    failedLoginDelay: 0,
    maxLoginAttempts: 3,
    dataTimeout: 30,
    maxCommandsPerSecond: options.maxCommandsPerSecond ?? 200,
    verify: options.verifyPassword ?? (async () => true),
  };
  const transport = new StringTransport({
    peerAddress: ['127.0.0.1', 40000],
    localAddress: ['127.0.0.1', 21],
    ...transportOptions,
  });
  const handler = new FtpHandler(transport, { clock, localHost: '127.0.0.1' }, context);
  return { transport, handler, clock };
}

/** The reply codes written so far (first lines of multi-line replies only). */
function codes(transport: StringTransport): string[] {
  return transport
    .text()
    .split('\r\n')
    .filter((line) => /^\d{3} /.test(line))
    .map((line) => line.slice(0, 3));
}

/**
 * Lets the promise chains of a handler step run (a password check, opening the jail on disk):
 * until `done()` holds, however long the disk takes on a loaded machine, or, without `done`,
 * a few turns of the loop for something that must not happen.
 */
async function settle(done?: () => boolean): Promise<void> {
  const turns = done === undefined ? 200 : 1_000_000;
  for (let i = 0; i < turns && done?.() !== true; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('commands fed whole, byte by byte and split anywhere are answered in order, and QUIT closes once 221 is out', () => {
  for (const { label, chunks } of chunkings('SYST\r\nNOOP\r\nNOOP\r\nQUIT\r\n')) {
    const { transport } = connect();
    for (const chunk of chunks) transport.feed(chunk);
    assert.deepEqual(codes(transport), ['220', '215', '200', '200', '221'], label);
    assert.ok(transport.calls.includes('closeWhenDone'), label);
    assert.equal(transport.closed, true, label);
  }
});

test('the idle timeout spares a client waiting for its password check, then says 421 once it is idle', async () => {
  const check = new PendingCheck();
  const { transport } = connect({ verifyPassword: check.verify });
  transport.feed('USER demo\r\nPASS secret\r\n');
  await settle();
  assert.equal(transport.timeOut('idle'), true, 'the handler keeps the connection');
  assert.equal(transport.closed, false);
  assert.deepEqual(codes(transport), ['220', '331'], 'no 421 while the server owes the reply');

  check.answer(true);
  await settle(() => codes(transport).length === 3);
  assert.deepEqual(codes(transport), ['220', '331', '230']);

  assert.equal(transport.timeOut('idle'), true);
  assert.deepEqual(codes(transport), ['220', '331', '230', '421']);
  assert.equal(transport.closed, true);
});

test('the idle timeout spares a transfer waiting for its data connection; ABOR ends it and the session goes on', async () => {
  writeFileSync(join(root, 'hello.txt'), 'hello\n');
  const { transport } = connect();
  transport.feed('USER demo\r\nPASS demo\r\n');
  await settle(() => codes(transport).includes('230'));
  // A real passive listener on loopback that the test never connects to.
  transport.feed('EPSV\r\n');
  await settle(() => codes(transport).includes('229'));
  transport.feed('RETR hello.txt\r\n');
  await settle(() => codes(transport).includes('150'));
  assert.equal(transport.timeOut('idle'), true);
  assert.equal(transport.closed, false);
  assert.ok(!codes(transport).includes('421'), 'no 421 while the transfer runs');

  // ABOR jumps the queue while the transfer runs: 426 for the transfer, 226 for the ABOR.
  transport.feed('ABOR\r\n');
  await settle(() => codes(transport).includes('226'));
  assert.deepEqual(codes(transport).slice(-2), ['426', '226']);
  transport.feed('NOOP\r\n');
  await settle(() => codes(transport).at(-1) === '200');
  assert.equal(codes(transport).at(-1), '200');
});

test('while a transfer runs the connection reads on, until maxQueuedCommands commands wait', async () => {
  writeFileSync(join(root, 'hello.txt'), 'hello\n');
  const { transport } = connect();
  transport.feed('USER demo\r\nPASS demo\r\n');
  await settle(() => codes(transport).includes('230'));
  transport.feed('EPSV\r\n');
  await settle(() => codes(transport).includes('229'));
  transport.feed('RETR hello.txt\r\n');
  await settle(() => codes(transport).includes('150'));
  assert.equal(transport.readingPaused, false, 'ABOR and STAT can still come');
  // 32 commands wait (the control session's default): TCP holds the rest.
  transport.feed('SYST\r\n'.repeat(32));
  assert.equal(transport.readingPaused, true);
  transport.close();
});

test('a command line left half-sent gets 421 on the read timeout, even while a password check is pending', async () => {
  const check = new PendingCheck();
  const { transport } = connect({ verifyPassword: check.verify });
  transport.feed('USER demo\r\nPASS secret\r\nPW');
  await settle();
  assert.equal(transport.timeOut('read'), true);
  assert.deepEqual(codes(transport), ['220', '331', '421']);
  check.answer(true);
  await settle();
  assert.deepEqual(codes(transport), ['220', '331', '421'], 'nothing after the goodbye');
  assert.equal(transport.closed, true);
});

test('a client that does not read gets the kit reset on the write timeout, no goodbye', () => {
  const { transport } = connect();
  assert.equal(transport.timeOut('write'), false);
  assert.ok(transport.calls.includes('abort'));
});

test('a command flood past maxCommandsPerSecond is answered 421 and the connection closes', () => {
  const { transport } = connect({ maxCommandsPerSecond: 1 });
  // A burst of twice the rate passes; the third command at the same instant is a flood.
  transport.feed('NOOP\r\n');
  transport.feed('NOOP\r\n');
  transport.feed('NOOP\r\n');
  assert.deepEqual(codes(transport), ['220', '200', '200', '421']);
  assert.equal(transport.closed, true);
});

test('AUTH TLS sends 234 in the clear, upgrades through the transport, and reads nothing until the handshake is done', async () => {
  const tls = new SSLContext(PROTOCOL_TLS_SERVER);
  const { transport } = connect({ tls }, { tlsHandshake: 'manual' });
  transport.feed('AUTH TLS\r\n');
  await settle(() => transport.calls.includes('startTls'));
  assert.deepEqual(codes(transport), ['220', '234']);
  assert.ok(transport.calls.includes('startTls'));
  assert.deepEqual(transport.tlsContexts, [tls]);
  assert.equal(transport.readingPaused, true, 'the handshake owns the bytes');

  transport.feed('PBSZ 0\r\nPROT P\r\n');
  assert.deepEqual(codes(transport), ['220', '234'], 'held until the handshake');
  transport.finishTls(true);
  await settle(() => codes(transport).length === 4);
  assert.deepEqual(codes(transport), ['220', '234', '200', '200'], 'PBSZ and PROT need TLS');
  assert.equal(transport.closed, false);
});

test('a failed AUTH TLS handshake closes the connection', async () => {
  const { transport } = connect(
    { tls: new SSLContext(PROTOCOL_TLS_SERVER) },
    { tlsHandshake: 'fail' },
  );
  transport.feed('AUTH TLS\r\n');
  await settle(() => transport.closed);
  assert.equal(transport.closed, true);
});

test('a client that pipelines commands and sends its FIN gets every reply, then the close', async () => {
  const { transport } = connect();
  transport.feed('USER demo\r\nPASS demo\r\nPWD\r\nSYST\r\n');
  transport.feedEof();
  await settle(() => transport.closed);
  assert.deepEqual(codes(transport), ['220', '331', '230', '257', '215']);
  assert.equal(transport.closed, true);
});

test('FtpServerSession holds replies while the output is over its bound, but never a goodbye', () => {
  let room = false;
  const session = new FtpServerSession({
    control: new FtpControlSession(),
    rate: new CommandRate(0, new ManualClock()),
    outputRoom: () => room,
  });
  session.receiveData(Buffer.from('NOOP\r\n'));
  assert.equal(session.nextEvent(), null);
  assert.equal(session.takeOutput().length, 0, 'held while over the bound');
  room = true;
  assert.match(session.takeOutput().toString(), /^220 .*\r\n200 /s);

  room = false;
  session.receiveData(Buffer.from('QUIT\r\n'));
  assert.deepEqual(session.nextEvent(), { type: 'quit' });
  assert.deepEqual(session.nextEvent(), { type: 'end' });
  assert.equal(session.nextEvent(), null, 'end comes once');
  assert.match(session.takeOutput().toString(), /^221 /, 'the goodbye goes out anyway');
});

test('FtpServerSession keeps bytes sent before the AUTH TLS handshake as leftover, never as commands', () => {
  const session = new FtpServerSession({
    control: new FtpControlSession({ tls: true }),
    rate: new CommandRate(0, new ManualClock()),
  });
  session.receiveData(Buffer.from('AUTH TLS\r\n'));
  assert.equal(session.nextEvent()?.type, 'auth-tls');
  session.receiveData(Buffer.from('USER evil\r\n'));
  assert.equal(session.nextEvent(), null);
  assert.equal(session.takeLeftover().toString(), 'USER evil\r\n');
  assert.equal(session.takeLeftover().length, 0);
  assert.doesNotMatch(session.takeOutput().toString(), /331/);
});

test('InputGatedTransport does not resume reading while its session wants no input', () => {
  const inner = new StringTransport();
  let wants = false;
  const gated = new InputGatedTransport(inner, () => wants);
  gated.resumeReading();
  assert.equal(inner.readingPaused, true);
  wants = true;
  gated.resumeReading();
  assert.equal(inner.readingPaused, false);
});
