/**
 * `reusePort` on the server kit's listeners: a TcpListener and a DatagramServer share their
 * port with another one (in this process, and in another process, as `serve --workers` runs
 * them), the kernel spreading connections and datagrams between them; without the option the
 * second one fails with EADDRINUSE.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loop, type SocketMap } from '../../src/dispatch/index.js';
import { DatagramServer } from '../../src/server/datagram-server.js';
import { TcpListener } from '../../src/server/tcp-listener.js';
import {
  REUSE_PORT_SKIP,
  startPeer,
  tagOfConnection,
  tagOfDatagram,
  untilEachAnswers,
} from '../socket/reuse-port-support.js';

/** A listener whose every connection is answered with `tag` and closed. */
function tcpListener(
  port: number,
  tag: string,
  map: SocketMap,
  reusePort: boolean,
): Promise<TcpListener> {
  return TcpListener.open({
    address: ['127.0.0.1', port],
    map,
    reusePort,
    createChannel: ({ socket, release }) => {
      socket.sendNowait(tag);
      socket.close();
      release();
    },
  });
}

/** A datagram server answering every datagram with `tag`. */
function datagramServer(
  port: number,
  tag: string,
  map: SocketMap,
  reusePort: boolean,
): Promise<DatagramServer> {
  return DatagramServer.open({
    address: ['127.0.0.1', port],
    map,
    reusePort,
    handler: () => Buffer.from(tag),
  });
}

describe('listeners with reusePort', { skip: REUSE_PORT_SKIP }, () => {
  test('two TcpListeners share a port and both are handed connections', async () => {
    const map: SocketMap = new Map();
    const a = await tcpListener(0, 'a', map, true);
    const b = await tcpListener(a.boundAddress[1], 'b', map, true).catch((err: unknown) => {
      a.close();
      throw err;
    });
    const running = loop({ map });
    try {
      assert.deepEqual(b.boundAddress, a.boundAddress);
      await untilEachAnswers(['a', 'b'], () => tagOfConnection(a.boundAddress, '127.0.0.1'));
    } finally {
      a.close();
      b.close();
      await running;
    }
  });

  test('two DatagramServers share a port and both answer datagrams', async () => {
    const map: SocketMap = new Map();
    const a = await datagramServer(0, 'a', map, true);
    const b = await datagramServer(a.boundAddress[1], 'b', map, true).catch((err: unknown) => {
      a.close();
      throw err;
    });
    const running = loop({ map });
    try {
      await untilEachAnswers(['a', 'b'], () => tagOfDatagram(a.boundAddress, '127.0.0.1'));
      assert.ok(a.answered > 0 && b.answered > 0);
    } finally {
      a.close();
      b.close();
      await running;
    }
  });

  test('a TcpListener and a listener in another process share a port', async () => {
    const map: SocketMap = new Map();
    const here = await tcpListener(0, 'parent', map, true);
    const running = loop({ map });
    try {
      const peer = await startPeer('tcp', here.boundAddress, 'child');
      try {
        await untilEachAnswers(['parent', 'child'], () =>
          tagOfConnection(here.boundAddress, '127.0.0.1'),
        );
      } finally {
        await peer.stop();
      }
    } finally {
      here.close();
      await running;
    }
  });

  test('a DatagramServer and a socket in another process share a port', async () => {
    const map: SocketMap = new Map();
    const here = await datagramServer(0, 'parent', map, true);
    const running = loop({ map });
    try {
      const peer = await startPeer('udp', here.boundAddress, 'child');
      try {
        await untilEachAnswers(['parent', 'child'], () =>
          tagOfDatagram(here.boundAddress, '127.0.0.1'),
        );
      } finally {
        await peer.stop();
      }
    } finally {
      here.close();
      await running;
    }
  });
});

describe('listeners without reusePort', () => {
  test('a second TcpListener on the port fails with EADDRINUSE', async () => {
    const map: SocketMap = new Map();
    const a = await tcpListener(0, 'a', map, false);
    try {
      await assert.rejects(tcpListener(a.boundAddress[1], 'b', map, false), {
        code: 'EADDRINUSE',
      });
    } finally {
      a.close();
    }
  });

  test('a second DatagramServer on the port fails with EADDRINUSE', async () => {
    const map: SocketMap = new Map();
    const a = await datagramServer(0, 'a', map, false);
    try {
      await assert.rejects(datagramServer(a.boundAddress[1], 'b', map, false), {
        code: 'EADDRINUSE',
      });
    } finally {
      a.close();
    }
  });
});
