import assert from 'node:assert/strict';
import { test } from 'node:test';
import { READY_WRITE } from '../../src/socket/index.js';
import { StringTransport } from '../../src/testing/index.js';

test('StringTransport keeps everything written, and value() returns it all', () => {
  const transport = new StringTransport();
  assert.equal(transport.value().length, 0);
  transport.sendNowait('220 ready\r\n');
  transport.sendNowait(Buffer.from('250 ok\r\n'));
  assert.equal(transport.value().toString(), '220 ready\r\n250 ok\r\n');
  assert.equal(transport.text(), '220 ready\r\n250 ok\r\n');
});

test('StringTransport.clear() forgets what was written so far', () => {
  const transport = new StringTransport();
  transport.sendNowait('old');
  transport.clear();
  transport.sendNowait('new');
  assert.equal(transport.text(), 'new');
});

test('StringTransport takes any amount by default, and honours a send buffer size when given one', () => {
  const unlimited = new StringTransport();
  assert.equal(unlimited.sendNowait(Buffer.alloc(10 * 1024 * 1024)), 10 * 1024 * 1024);
  assert.ok(unlimited.readiness & READY_WRITE, 'unlimited.readiness & READY_WRITE');
  const limited = new StringTransport({ sendBufferSize: 3 });
  assert.equal(limited.sendNowait('abcdef'), 3);
  assert.equal(limited.sendNowait('d'), -1);
  limited.drain();
  assert.equal(limited.sendNowait('def'), 3);
  assert.equal(limited.text(), 'abcdef');
});

test('StringTransport plays the peer: input fed is received, a reset is reported once', () => {
  const transport = new StringTransport({ peerAddress: ['192.0.2.1', 1234] });
  assert.deepEqual(transport.getpeername(), ['192.0.2.1', 1234]);
  transport.feed('QUIT\r\n');
  assert.equal(transport.recvNowait(100)?.toString(), 'QUIT\r\n');
  transport.resetByPeer();
  assert.throws(() => transport.recvNowait(100), { code: 'ECONNRESET' });
});
