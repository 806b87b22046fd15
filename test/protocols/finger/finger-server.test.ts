import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SHUT_WR } from '../../../src/socket/index.js';
import { bob } from './fixtures.js';
import { ask, connect, readAll, startLiveFinger } from './live-server.js';

/** Every byte a reply may hold besides printable text: CR and LF, as line endings only. */
function assertClean(reply: string): void {
  assert.doesNotMatch(reply, /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]/);
  assert.doesNotMatch(reply, /\r(?!\n)|(?<!\r)\n/, 'every line ends in CRLF');
}

test('the finger server lists its users for an empty query', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  const reply = await ask(finger.port, '\r\n');
  assert.match(reply, /^Login\s+Name\s+Tty\s+Idle\s+Login Time\s+Office\r\n/);
  assert.match(reply, /^alice\s+Alice Liddell\s+pts\/0/m);
  assert.match(reply, /^bob\s+Bob Dobbs\s+\*\s+No logins/m);
  assertClean(reply);
  assert.deepEqual(
    finger.requests.map((r) => r.query),
    [''],
  );
});

test('the finger server lists only logged-in users when listAllUsers is false', async (t) => {
  const finger = await startLiveFinger({ listAllUsers: false });
  t.after(() => finger.stop());
  const reply = await ask(finger.port, '\r\n');
  assert.match(reply, /^alice /m);
  assert.doesNotMatch(reply, /^bob /m);
});

test('the finger server answers /W with the long record of every listed user', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  const reply = await ask(finger.port, '/W\r\n');
  for (const login of ['alice', 'bob', 'mallory']) {
    assert.match(reply, new RegExp(`^Login: ${login}\\s+Name: `, 'm'));
  }
  assert.match(reply, /^Plan:\r\nFollow the white rabbit\.\r\nDrink me\.\r\n/m);
  assertClean(reply);
});

test('the finger server answers a user name with that user record, with or without /W', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  const plain = await ask(finger.port, 'bob\r\n');
  assert.equal(
    plain,
    'Login: bob                              Name: Bob Dobbs\r\n' +
      'Directory: /home/bob                    Shell: /bin/bash\r\n' +
      'Never logged in.\r\nNo Plan.\r\n',
  );
  assert.equal(await ask(finger.port, '/W bob\r\n'), plain);
  // A word of the real name finds the user too, as BSD fingerd does.
  assert.match(await ask(finger.port, 'liddell\r\n'), /^Login: alice/);
});

test('the finger server says "no such user" for a name that matches nobody', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  assert.equal(await ask(finger.port, 'carol\r\n'), 'finger: carol: no such user.\r\n');
});

test('the finger server accepts a bare LF as the end of the query', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  assert.match(await ask(finger.port, 'bob\n'), /^Login: bob/);
});

test('the finger server gives the same answer for a query sent one byte at a time', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  const whole = await ask(finger.port, '/W alice\r\n');
  const sock = await connect(finger.port);
  for (const byte of Buffer.from('/W alice\r\n')) await sock.sendall(Buffer.of(byte));
  assert.equal((await readAll(sock)).toString('latin1'), whole);
});

test('the finger server refuses user@host forwarding by default with the RFC 1288 message', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  assert.equal(
    await ask(finger.port, 'alice@example.org\r\n'),
    'Finger forwarding service denied\r\n',
  );
  assert.equal(await ask(finger.port, '@example.org\r\n'), 'Finger forwarding service denied\r\n');
});

test('the finger server forwards user@host to a second finger server when allowed', async (t) => {
  const remote = await startLiveFinger({
    users: [{ ...bob, login: 'remote', name: 'Far Away' }],
  });
  t.after(() => remote.stop());
  const local = await startLiveFinger({ allowForwarding: true });
  t.after(() => local.stop());
  const target = `127.0.0.1:${remote.port}`;
  assert.match(
    await ask(local.port, `remote@${target}\r\n`),
    /^Login: remote\s+Name: Far Away\r\n/,
  );
  assert.match(await ask(local.port, `/W remote@${target}\r\n`), /^Login: remote/);
  assert.match(await ask(local.port, `@${target}\r\n`), /^Login\s+Name.*\r\nremote\s+Far Away/s);
  // The remote server saw the query without our host part, /W kept.
  assert.deepEqual(
    remote.requests.map((r) => r.query),
    ['remote', '/W remote', ''],
  );
});

test('the finger server reports a forwarding target it cannot reach instead of hanging', async (t) => {
  const gone = await startLiveFinger();
  const port = gone.port;
  await gone.stop();
  const local = await startLiveFinger({ allowForwarding: true });
  t.after(() => local.stop());
  assert.equal(
    await ask(local.port, `alice@127.0.0.1:${port}\r\n`),
    `finger: 127.0.0.1:${port}: cannot forward the query\r\n`,
  );
});

test('the finger server refuses an over-long query without waiting for its end', async (t) => {
  const finger = await startLiveFinger({ limits: { maxRequestSize: 100 } });
  t.after(() => finger.stop());
  // No CRLF: a hostile client need never send one; the limit alone ends the query.
  const reply = await ask(finger.port, 'a'.repeat(5000));
  assert.match(reply, /^finger: .*(long|length).*\r\n$/i);
  assert.doesNotMatch(reply, /aaaa/);
  assert.match(await ask(finger.port, `${'b'.repeat(99)}\r\n`), /no such user/);
});

test('the finger server strips control characters from everything it sends', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  for (const query of ['mallory\r\n', '/W\r\n', '\r\n']) {
    const reply = await ask(finger.port, query);
    assertClean(reply);
    assert.doesNotMatch(reply, /\x1b|\x9b|\x07/);
  }
  assert.match(await ask(finger.port, 'mallory\r\n'), /Name: Mal\[2JLory/);
});

test('the finger server refuses a query holding control characters without echoing it', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  const reply = await ask(finger.port, 'ali\x1b[2Jce\r\n');
  assert.match(reply, /^finger: .*control.*\r\n$/);
  assertClean(reply);
});

test('the finger server answers a client that closes its side without sending CRLF', async (t) => {
  const finger = await startLiveFinger();
  t.after(() => finger.stop());
  const sock = await connect(finger.port);
  await sock.sendall('bob');
  sock.shutdown(SHUT_WR);
  assert.match((await readAll(sock)).toString('latin1'), /^Login: bob/);
});

test('the finger server sends the whole reply to a client that half-closes right after its query', async (t) => {
  const many = Array.from({ length: 400 }, (_, i) => ({
    ...bob,
    login: `user${i}`,
    plan: 'p'.repeat(100),
  }));
  const finger = await startLiveFinger({ users: many });
  t.after(() => finger.stop());
  const whole = await ask(finger.port, '/W\r\n');
  assert.ok(whole.length > 60_000, `${whole.length} bytes`);
  const sock = await connect(finger.port);
  await sock.sendall('/W\r\n');
  sock.shutdown(SHUT_WR);
  assert.equal((await readAll(sock)).toString('latin1'), whole);
});

test('the finger server closes a connection whose query is not complete within readTimeout', async (t) => {
  const finger = await startLiveFinger({ limits: { readTimeout: 0.3 } });
  t.after(() => finger.stop());
  const started = Date.now();
  const sock = await connect(finger.port);
  await sock.sendall('ali');
  assert.equal((await readAll(sock)).length, 0);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 200 && elapsed < 4000, `closed after ${elapsed} ms`);
  // A client that sends nothing at all is cut off the same way.
  assert.equal((await readAll(await connect(finger.port))).length, 0);
});

test('the finger server sends its busy reply over maxConnections and serves again after', async (t) => {
  const finger = await startLiveFinger({ limits: { maxConnections: 1 } });
  t.after(() => finger.stop());
  const holder = await connect(finger.port);
  // Let the listener count the first connection before the second arrives.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(
    await ask(finger.port, 'bob\r\n'),
    'finger: too many connections, try again later\r\n',
  );
  await holder.sendall('bob\r\n');
  assert.match((await readAll(holder)).toString('latin1'), /^Login: bob/);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(await ask(finger.port, 'bob\r\n'), /^Login: bob/);
});

test('the finger server answers any random bytes with clean text and keeps serving', async (t) => {
  const finger = await startLiveFinger({ limits: { readTimeout: 2 } });
  t.after(() => finger.stop());
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 600 }), async (bytes) => {
      const sock = await connect(finger.port);
      await sock.sendall(Buffer.concat([Buffer.from(bytes), Buffer.from('\r\n')]));
      const reply = (await readAll(sock)).toString('latin1');
      assert.ok(reply.length > 0);
      assertClean(reply);
    }),
    { numRuns: 40 },
  );
  assert.match(await ask(finger.port, 'bob\r\n'), /^Login: bob/);
});
