/** The idle timeout measures the client's silence, not the time the server takes to answer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/testing/index.js';
import { raw, startFixture } from './ftp-fixture.js';

test('a password check that outlasts the idle timeout still logs in, and idleness is counted after it', async () => {
  const clock = new ManualClock(Date.now());
  let release: (good: boolean) => void = () => {};
  let checking: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    checking = resolve;
  });
  const f = await startFixture({
    clock,
    limits: {
      maxConnections: 8,
      maxConnectionsPerAddress: 8,
      idleTimeout: 2,
      readTimeout: 1,
      maxRequestSize: 4096,
    },
    verifyPassword: () => {
      checking();
      return new Promise<boolean>((resolve) => {
        release = resolve;
      });
    },
  });
  const c = await raw(f.port);
  try {
    assert.match(await c.cmd('USER demo'), /^331 /);
    c.sock.sendall(Buffer.from('PASS demo\r\n'));
    await started;
    // The server is still checking: twice the idle timeout passes without a word from us.
    clock.advance(4000);
    release(true);
    assert.match(await c.read(), /^230 /, 'no 421 before the login is answered');
    assert.match(await c.cmd('PWD'), /^257 /);
    // Now the client is the one silent: the idle timeout applies.
    clock.advance(2500);
    assert.match(await c.read(), /^421 Timeout/);
  } finally {
    c.sock.close();
    await f.stop();
  }
});
