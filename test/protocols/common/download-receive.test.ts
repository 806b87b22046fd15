import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DOWNLOAD_RECEIVE_LIMIT,
  receiveForDownload,
} from '../../../src/protocols/common/download-receive.js';
import { ClientConnection } from '../../../src/protocols/http/client/client-connection.js';
import {
  CLIENT_READ_SIZE,
  MSG_PEEK,
  SO_RCVBUF,
  SOL_SOCKET,
  type Socket,
} from '../../../src/socket/index.js';
import { sleep, tcpPair } from '../../socket/support.js';

/** Bytes `sock` has received and holds unread, once that stops growing (or `want` is reached). */
async function heldOnceSettled(sock: Socket, want: number): Promise<number> {
  let held = 0;
  for (let round = 0, still = 0; round < 500 && still < 20 && held < want; round++) {
    await sleep(5);
    const now = (await sock.recv(want, MSG_PEEK)).length;
    still = now === held ? still + 1 : 0;
    held = now;
  }
  return held;
}

describe('receiveForDownload()', () => {
  test('a download socket holds several full reads before it stops reading', async () => {
    const [client, server] = await tcpPair();
    try {
      receiveForDownload(client);
      assert.equal(client.getsockopt(SOL_SOCKET, SO_RCVBUF), DOWNLOAD_RECEIVE_LIMIT);
      const sent = 3 * CLIENT_READ_SIZE;
      await server.sendall(Buffer.alloc(sent, 7));
      // With one read's worth as the bound, the stream paused after the first full read and
      // the rest waited in the kernel.
      assert.equal(await heldOnceSettled(client, sent), sent);
    } finally {
      client.close();
      server.close();
    }
  });

  test("the HTTP client's connections are set for downloads", async () => {
    const [client, server] = await tcpPair();
    try {
      const conn = new ClientConnection('http://127.0.0.1:80', client);
      assert.equal(conn.socket.getsockopt(SOL_SOCKET, SO_RCVBUF), DOWNLOAD_RECEIVE_LIMIT);
    } finally {
      client.close();
      server.close();
    }
  });
});
