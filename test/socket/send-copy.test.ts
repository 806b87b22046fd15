import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AF_INET, MSG_ZEROCOPY, SOCK_DGRAM, socket } from '../../src/socket/index.js';
import { tcpPair } from './support.js';

/** Reads until `count` bytes have come. */
async function readBytes(
  sock: { recv(n: number): Promise<Buffer> },
  count: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < count) {
    const part = await sock.recv(count - got);
    if (part.length === 0) throw new Error(`end of stream after ${got} of ${count} bytes`);
    parts.push(part);
    got += part.length;
  }
  return Buffer.concat(parts);
}

/** Reads until `count` bytes have come, then decodes them as UTF-8. */
async function readAll(sock: { recv(n: number): Promise<Buffer> }, count: number): Promise<string> {
  return (await readBytes(sock, count)).toString();
}

describe('what send calls keep of the caller’s bytes', () => {
  test('sendall() and sendNowait() copy a buffer: changing it after the call changes nothing sent', async () => {
    const [client, conn] = await tcpPair();
    const buffer = Buffer.from('abc');
    const sending = client.sendall(buffer);
    buffer.write('XYZ');
    await sending;
    client.sendNowait(buffer);
    buffer.write('___');
    assert.equal(await readAll(conn, 6), 'abcXYZ');
    client.close();
    conn.close();
  });

  test('buffers handed over (owned) to sendall(), send() and sendNowait() arrive intact, partial sends included', async () => {
    const [client, conn] = await tcpPair();
    const big = Buffer.alloc(3 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const reading = readBytes(conn, big.length + 6);
    await client.sendall(big, 0, { owned: true });
    assert.equal(await client.send(Buffer.from('abc'), 0, { owned: true }), 3);
    client.setblocking(false);
    let sent = -1;
    while (sent < 0) {
      // MSG_ZEROCOPY, the older spelling of `owned`, keeps working.
      sent = client.sendNowait(Buffer.from('def'), MSG_ZEROCOPY);
      if (sent < 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const got = await reading;
    assert.equal(sent, 3);
    assert.ok(got.subarray(0, big.length).equals(big));
    assert.equal(got.subarray(big.length).toString(), 'abcdef');
    client.close();
    conn.close();
  });

  test('strings are sent as UTF-8 by send(), sendall() and sendNowait()', async () => {
    const [client, conn] = await tcpPair();
    await client.sendall('é');
    assert.equal(await client.send('ü'), 2);
    assert.equal(client.sendNowait('ß'), 2);
    assert.equal(await readAll(conn, 6), 'éüß');
    client.close();
    conn.close();
  });

  test('recvInto() on a datagram socket takes one datagram, cut to the buffer', async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(['127.0.0.1', 0]);
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto('0123456789', server.getsockname());
    const into = Buffer.alloc(4);
    assert.equal(await server.recvInto(into), 4);
    assert.equal(into.toString(), '0123');
    client.close();
    server.close();
  });
});
