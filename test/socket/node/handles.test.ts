import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket as NetSocket } from 'node:net';
import { describe, test } from 'node:test';
import { handleAddress } from '../../../src/socket/node/handles.js';

describe('handleAddress()', () => {
  test('gives the addresses net.Socket gives, without net.Socket keeping a copy', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[NetSocket]>;
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    await once(client, 'connect');
    const [conn] = await accepted;
    try {
      const local = handleAddress(conn, false);
      const peer = handleAddress(conn, true);
      assert.ok(!(conn as unknown as { _sockname?: object | null })._sockname);
      assert.deepEqual(local, { address: conn.localAddress, port: conn.localPort });
      assert.deepEqual(peer, { address: conn.remoteAddress, port: conn.remotePort });
      assert.equal(peer?.port, client.localPort);
    } finally {
      client.destroy();
      conn.destroy();
      server.close();
    }
  });

  test('gives undefined once the handle is gone', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    await once(client, 'connect');
    client.destroy();
    await once(client, 'close');
    server.close();
    assert.equal(handleAddress(client, true), undefined);
    assert.equal(handleAddress(client, false), undefined);
  });
});
