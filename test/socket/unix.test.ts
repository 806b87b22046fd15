import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AF_UNIX, SHUT_WR, SOCK_STREAM, socket, socketpair } from '../../src/socket/index.js';
import { readAll } from './support.js';

describe('AF_UNIX stream sockets', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'polyport-unix-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a server bound to a path accepts a client, and bytes flow both ways with half-close', async () => {
    const path = join(dir, 'echo.sock');
    const server = socket(AF_UNIX, SOCK_STREAM);
    await server.bind(path);
    await server.listen();
    assert.equal(server.getsockname(), path);
    const client = socket(AF_UNIX, SOCK_STREAM);
    const [[conn, peer]] = await Promise.all([server.accept(), client.connect(path)]);
    assert.equal(typeof peer, 'string');
    await client.sendall('over a path');
    client.shutdown(SHUT_WR);
    assert.equal((await readAll(conn)).toString(), 'over a path');
    await conn.sendall('and back');
    conn.close();
    assert.equal((await readAll(client)).toString(), 'and back');
    assert.ok(client.fileno() >= 0);
    client.close();
    server.close();
  });

  test('connect() to a path nobody listens on fails with ENOENT or ECONNREFUSED', async () => {
    const client = socket(AF_UNIX, SOCK_STREAM);
    await assert.rejects(client.connect(join(dir, 'missing.sock')), (err: { code?: string }) =>
      ['ENOENT', 'ECONNREFUSED'].includes(err.code ?? ''),
    );
    client.close();
  });

  test('listen() on an unbound AF_UNIX socket fails with EINVAL', async () => {
    const sock = socket(AF_UNIX, SOCK_STREAM);
    await assert.rejects(sock.listen(), { code: 'EINVAL' });
    sock.close();
  });

  test('an AF_UNIX address must be a path string', async () => {
    const sock = socket(AF_UNIX, SOCK_STREAM);
    await assert.rejects(sock.bind(['127.0.0.1', 0] as never), {
      name: 'TypeError',
      message: 'bind(): AF_UNIX address must be a path string, got ["127.0.0.1", 0]',
    });
    sock.close();
  });

  test('socketpair() gives two connected AF_UNIX sockets and leaves no file behind', async () => {
    const [a, b] = await socketpair();
    assert.equal(a.family, AF_UNIX);
    await a.sendall('pair');
    a.close();
    assert.equal((await readAll(b)).toString(), 'pair');
    b.close();
  });

  test('closing an AF_UNIX socket with unread data does not throw', async () => {
    const [a, b] = await socketpair();
    await a.sendall('unread');
    while (b.recvNowait(1, 0x2) === null) await new Promise((r) => setTimeout(r, 5));
    b.close();
    // The peer sees the end: end of stream, or ECONNRESET (Linux, for the discarded bytes).
    const end = await readAll(a).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'ECONNRESET') return Buffer.alloc(0);
      throw err;
    });
    assert.equal(end.length, 0);
    a.close();
  });
});
