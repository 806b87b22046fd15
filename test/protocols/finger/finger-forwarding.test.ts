import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { SHUT_WR } from '../../../src/socket/index.js';
import { connect, readAll, startLiveFinger } from './live-server.js';

/** A finger server written by someone else, answering every query with `reply`. */
async function foreignServer(reply: string | Buffer): Promise<{ port: number; close(): void }> {
  const server = createServer((conn) => {
    conn.on('error', () => {});
    conn.once('data', () => conn.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

test('a forwarded reply is answered even when the client half-closes right after its query', async (t) => {
  const remote = await foreignServer('Login: remote\r\n');
  t.after(() => remote.close());
  const local = await startLiveFinger({ allowForwarding: true });
  t.after(() => local.stop());
  const sock = await connect(local.port);
  await sock.sendall(`remote@127.0.0.1:${remote.port}\r\n`);
  sock.shutdown(SHUT_WR);
  assert.equal((await readAll(sock)).toString('latin1'), 'Login: remote\r\n');
});

test('a forwarded reply is stripped of control characters and ends every line in CRLF', async (t) => {
  const remote = await foreignServer('Login: x\x1b[2J\x07\nPlan:\x9b6n hi\r\n\x00last');
  t.after(() => remote.close());
  const local = await startLiveFinger({ allowForwarding: true });
  t.after(() => local.stop());
  const sock = await connect(local.port);
  await sock.sendall(`x@127.0.0.1:${remote.port}\r\n`);
  assert.equal((await readAll(sock)).toString('latin1'), 'Login: x[2J\r\nPlan:6n hi\r\nlast\r\n');
});

test('a forwarded reply larger than the reply bound is cut off with a notice', async (t) => {
  const remote = await foreignServer(`${'y'.repeat(70)}\r\n`.repeat(2000));
  t.after(() => remote.close());
  const local = await startLiveFinger({ allowForwarding: true });
  t.after(() => local.stop());
  const sock = await connect(local.port);
  await sock.sendall(`x@127.0.0.1:${remote.port}\r\n`);
  const reply = (await readAll(sock)).toString('latin1');
  assert.ok(reply.length <= 65_536, `${reply.length} bytes`);
  assert.match(reply, /\[output truncated\]\r\n$/);
});
