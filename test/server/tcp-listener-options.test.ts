/**
 * What a TcpListener's connections are set up with: TCP_NODELAY, so a reply written while the
 * previous one is unacknowledged is not held for the peer's delayed ACK (an FTP 226 after its 150).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop, type SocketMap } from '../../src/dispatch/index.js';
import { TcpListener } from '../../src/server/tcp-listener.js';
import { createConnection, IPPROTO_TCP, TCP_NODELAY } from '../../src/socket/index.js';

test('a TcpListener hands over connections with TCP_NODELAY set', async () => {
  const map: SocketMap = new Map();
  let noDelay: number | null = null;
  const listener = await TcpListener.open({
    address: ['127.0.0.1', 0],
    map,
    createChannel: ({ socket, release }) => {
      noDelay = socket.getsockopt(IPPROTO_TCP, TCP_NODELAY) as number;
      socket.sendNowait('bye');
      socket.close();
      release();
    },
  });
  const running = loop({ map });
  try {
    const client = await createConnection(listener.boundAddress, 5);
    assert.equal((await client.recv(16)).toString(), 'bye');
    client.close();
    assert.ok(noDelay !== null && noDelay !== 0, `TCP_NODELAY on the accepted socket: ${noDelay}`);
  } finally {
    listener.close();
    await running;
  }
});
