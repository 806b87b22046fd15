import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AF_INET } from '../../src/socket/constants.js';
import { StreamEngine } from '../../src/socket/stream-engine.js';
import { netPair, sleep } from './support.js';

/** An engine's owner that counts its notifications. */
function owner(): { family: number; notified: number; notify(): void; errorContext(): object } {
  return {
    family: AF_INET,
    notified: 0,
    notify() {
      this.notified++;
    },
    errorContext: () => ({}),
  };
}

test('an engine listens for end through one function with Node’s own listener, which still runs first; detach() gives Node’s back alone', async () => {
  const [client, conn, stop] = await netPair();
  const nodeOwn = conn.rawListeners('end');
  assert.equal(nodeOwn.length, 1, 'a net.Socket has one end listener of its own');
  const engine = new StreamEngine(conn, owner());
  // One listener, not an array of two: what a second listener would cost every connection.
  assert.equal(conn.rawListeners('end').length, 1);
  assert.notEqual(conn.rawListeners('end')[0], nodeOwn[0]);
  engine.detach();
  assert.deepEqual(conn.rawListeners('end'), nodeOwn);
  client.destroy();
  conn.destroy();
  stop();
});

test('the merged end listener reports the peer’s FIN to the engine, and Node’s own part ran (no writes after FIN without half-open)', async () => {
  const [client, conn, stop] = await netPair();
  const who = owner();
  const engine = new StreamEngine(conn, who);
  client.end();
  for (let i = 0; i < 200 && !engine.eof; i++) await sleep(5);
  assert.equal(engine.eof, true);
  assert.ok(who.notified > 0);
  // Node's own listener replaces write() on a stream that is not half-open (net.Socket's
  // onReadableStreamEnd): it ran, though it is no longer a listener of its own.
  assert.equal(conn.allowHalfOpen, false);
  assert.equal(Object.hasOwn(conn, 'write'), true);
  conn.destroy();
  stop();
});
