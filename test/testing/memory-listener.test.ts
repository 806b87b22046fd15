import assert from 'node:assert/strict';
import { test } from 'node:test';
import { READY_CLOSED, READY_READ } from '../../src/socket/index.js';
import { MemoryListener } from '../../src/testing/index.js';

test('dial() queues a connection that acceptNowait() returns, connected to the client', () => {
  const listener = new MemoryListener(['127.0.0.1', 2525]);
  assert.equal(listener.acceptNowait(), null);
  assert.equal(listener.readiness, 0);
  const client = listener.dial();
  assert.equal(listener.pending, 1);
  assert.equal(listener.readiness, READY_READ);
  const accepted = listener.acceptNowait();
  assert.ok(accepted !== null, 'accepted !== null');
  const [server, address] = accepted;
  assert.deepEqual(address, client.getsockname());
  assert.deepEqual(client.getpeername(), ['127.0.0.1', 2525]);
  client.sendNowait('hi');
  assert.equal(server.recvNowait(10)?.toString(), 'hi');
});

test('a listener refuses data calls and peer names, and everything once closed', async () => {
  const listener = new MemoryListener();
  assert.throws(() => listener.recvNowait(1), { code: 'ENOTCONN' });
  assert.throws(() => listener.sendNowait('x'), { code: 'ENOTCONN' });
  assert.throws(() => listener.getpeername(), { code: 'ENOTCONN' });
  await assert.rejects(listener.connect(['127.0.0.1', 1]), { code: 'EINVAL' });
  await listener.bind(['127.0.0.1', 1]);
  await listener.listen(5);
  listener.close();
  assert.equal(listener.readiness, READY_CLOSED);
  assert.throws(() => listener.acceptNowait(), { code: 'EBADF' });
  await assert.rejects(listener.listen(), { code: 'EBADF' });
});
