import assert from 'node:assert/strict';
import { createServer, type Socket as NetSocket, type Server } from 'node:net';
import { userInfo } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { loop, type SocketMap } from '../../../src/dispatch/index.js';
import { type IdentService, ident, startIdentService } from '../../../src/protocols/ident/index.js';
import { AF_INET, SOCK_STREAM, Socket } from '../../../src/socket/index.js';

/** A TCP connection on loopback to ask about: its two ends' ports. */
async function connectionPair(): Promise<{
  client: NetSocket;
  server: Server;
  ports: [number, number];
}> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { connect } = await import('node:net');
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { client, server, ports: [client.localPort as number, port] };
}

/** Sends raw lines from a chosen source address and reads until the server closes or `lines` arrive. */
async function askRaw(
  port: number,
  text: string,
  lines: number,
  from = '127.0.0.1',
): Promise<string[]> {
  const sock = new Socket(AF_INET, SOCK_STREAM);
  sock.settimeout(10);
  try {
    await sock.bind([from, 0]);
    await sock.connect(['127.0.0.1', port]);
    await sock.sendall(text);
    let got = '';
    while (got.split('\r\n').length - 1 < lines) {
      const data = await sock.recv(4096);
      if (data.length === 0) break;
      got += data.toString('latin1');
    }
    return got.split('\r\n').filter((l) => l !== '');
  } finally {
    sock.close();
  }
}

describe('the ident server (RFC 1413) on loopback', () => {
  let map: SocketMap;
  let service: IdentService;
  let hidden: IdentService;
  let running: Promise<void>;
  let port: number;

  before(async () => {
    map = new Map();
    service = await startIdentService({ address: ['127.0.0.1', 0], map });
    hidden = await startIdentService({ address: ['127.0.0.1', 0], map, hideUsers: true });
    running = loop({ map, timeout: 1 });
    port = service.listener.boundAddress[1];
  });

  after(async () => {
    service.close();
    hidden.close();
    await running;
  });

  test("names the user who owns a connection between this host and the asker, from the kernel's tables", async () => {
    const { client, server, ports } = await connectionPair();
    try {
      const reply = await ident('127.0.0.1', ports[0], ports[1], { port });
      assert.equal(reply, `${ports[0]}, ${ports[1]} : USERID : UNIX : ${userInfo().username}`);
      const secret = await ident('127.0.0.1', ports[0], ports[1], {
        port: hidden.listener.boundAddress[1],
      });
      assert.equal(secret, `${ports[0]}, ${ports[1]} : ERROR : HIDDEN-USER`);
    } finally {
      client.destroy();
      server.close();
    }
  });

  test('says NO-USER for a connection that does not exist, or that is not with the asker', async () => {
    const { client, server, ports } = await connectionPair();
    try {
      // Asked from 127.0.0.3: the connection runs to 127.0.0.1, so it is a third party's.
      const [reply] = await askRaw(port, `${ports[0]}, ${ports[1]}\r\n`, 1, '127.0.0.3');
      assert.equal(reply, `${ports[0]}, ${ports[1]} : ERROR : NO-USER`);
      const [none] = await askRaw(port, `${ports[0]}, 9\r\n`, 1);
      assert.equal(none, `${ports[0]}, 9 : ERROR : NO-USER`);
    } finally {
      client.destroy();
      server.close();
    }
  });

  test('answers several queries on one connection in order, garbage with INVALID-PORT', async () => {
    const replies = await askRaw(port, '1, 2\r\nhello\r\n70000, 5\r\n3 , 4\n', 4);
    assert.deepEqual(replies, [
      '1, 2 : ERROR : NO-USER',
      '0, 0 : ERROR : INVALID-PORT',
      '0, 5 : ERROR : INVALID-PORT',
      '3, 4 : ERROR : NO-USER',
    ]);
  });
});
