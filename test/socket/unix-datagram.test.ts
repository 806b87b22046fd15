import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DefaultSelector, EVENT_READ, select } from '../../src/select/index.js';
import {
  AF_UNIX,
  BlockingIOError,
  fromfd,
  MSG_TRUNC,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SOL_SOCKET,
  type SocketError,
  socket,
  socketpair,
} from '../../src/socket/index.js';
import { needsFdSockets } from './fd-socket-support.js';

/** A name no other test (or run) uses: abstract names live in the network namespace. */
function abstractName(tag: string): string {
  return `\0polyport-test-${process.pid}-${tag}`;
}

describe('AF_UNIX datagram sockets', needsFdSockets(), () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'polyport-unixgram-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('datagrams between two paths keep their boundaries and carry the sender path', async () => {
    const server = socket(AF_UNIX, SOCK_DGRAM);
    const client = socket(AF_UNIX, SOCK_DGRAM);
    try {
      await server.bind(join(dir, 'server.sock'));
      await client.bind(join(dir, 'client.sock'));
      assert.equal(server.getsockname(), join(dir, 'server.sock'));
      await client.sendto('first', join(dir, 'server.sock'));
      await client.sendto('second, longer', join(dir, 'server.sock'));
      await client.sendto('', join(dir, 'server.sock'));
      const [one, from] = await server.recvfrom(100);
      assert.equal(one.toString(), 'first');
      assert.equal(from, join(dir, 'client.sock'));
      assert.equal((await server.recv(100)).toString(), 'second, longer');
      assert.equal((await server.recv(100)).length, 0, 'an empty datagram is one message');
      await server.sendto('reply', from);
      assert.equal((await client.recv(100)).toString(), 'reply');
    } finally {
      client.close();
      server.close();
    }
  });

  test('abstract names (a leading NUL) bind, connect and come back as the sender address', async () => {
    const name = abstractName('abstract');
    const server = socket(AF_UNIX, SOCK_DGRAM);
    const client = socket(AF_UNIX, SOCK_DGRAM);
    try {
      await server.bind(name);
      assert.equal(server.getsockname(), name);
      await client.bind(abstractName('abstract-client'));
      await client.connect(name);
      assert.equal(client.getpeername(), name);
      await client.send('to an abstract name');
      const [data, from] = await server.recvfrom(100);
      assert.equal(data.toString(), 'to an abstract name');
      assert.equal(from, abstractName('abstract-client'));
    } finally {
      client.close();
      server.close();
    }
  });

  test('recv() with a small buffer cuts the datagram, and recvmsg() reports MSG_TRUNC', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
    try {
      await a.send('0123456789');
      await a.send('abcdefghij');
      assert.equal((await b.recv(4)).toString(), '0123', 'the rest of the datagram is lost');
      const [data, ancdata, flags] = await b.recvmsg(4);
      assert.equal(data.toString(), 'abcd');
      assert.deepEqual(ancdata, []);
      assert.equal(flags & MSG_TRUNC, MSG_TRUNC);
    } finally {
      a.close();
      b.close();
    }
  });

  test('a non-blocking recv() with nothing waiting raises BlockingIOError, and a waiting one is woken', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
    try {
      b.setblocking(false);
      await assert.rejects(b.recv(10), BlockingIOError);
      assert.equal(b.recvNowait(10), null);
      b.setblocking(true);
      const waiting = b.recv(10);
      await a.send('wake');
      assert.equal((await waiting).toString(), 'wake');
    } finally {
      a.close();
      b.close();
    }
  });

  test('sending to a path nobody bound fails with ENOENT or ECONNREFUSED', async () => {
    const sock = socket(AF_UNIX, SOCK_DGRAM);
    try {
      await assert.rejects(sock.sendto('x', join(dir, 'nobody.sock')), (err: SocketError) =>
        ['ENOENT', 'ECONNREFUSED'].includes(err.code),
      );
    } finally {
      sock.close();
    }
  });

  test('select() and a selector see a datagram socket become readable', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
    const selector = new DefaultSelector();
    try {
      const [r0, w0] = await select([b], [a], [], 0);
      assert.deepEqual(r0, [], 'nothing to read yet');
      assert.deepEqual(w0, [a], 'room to send');
      const ready = select([b], [], [], 5);
      await a.send('ping');
      const [readable] = await ready;
      assert.deepEqual(readable, [b]);
      assert.equal((await b.recv(10)).toString(), 'ping');
      const [after] = await select([b], [], [], 0);
      assert.deepEqual(after, [], 'read to empty: not readable again');
      selector.register(b, EVENT_READ, 'b');
      const events = selector.select(5);
      await a.send('pong');
      const got = await events;
      assert.equal(got.length, 1);
      assert.equal(got[0]?.[0].data, 'b');
    } finally {
      selector.close();
      a.close();
      b.close();
    }
  });
});

describe('AF_UNIX seqpacket sockets', needsFdSockets(), () => {
  test('a listener accepts, messages keep their boundaries both ways, and close reads as end', async () => {
    const name = abstractName('seqpacket');
    const server = socket(AF_UNIX, SOCK_SEQPACKET);
    const client = socket(AF_UNIX, SOCK_SEQPACKET);
    try {
      await server.bind(name);
      await server.listen(4);
      const [[conn, peer]] = await Promise.all([server.accept(), client.connect(name)]);
      assert.equal(typeof peer, 'string');
      assert.equal(conn.type, SOCK_SEQPACKET);
      assert.equal(client.getpeername(), name);
      for (const message of ['one', 'two two', 'three three three']) await client.sendall(message);
      assert.equal((await conn.recv(100)).toString(), 'one');
      assert.equal((await conn.recv(100)).toString(), 'two two');
      assert.equal((await conn.recv(5)).toString(), 'three', 'a short buffer cuts the message');
      await conn.sendall('answer');
      assert.equal((await client.recv(100)).toString(), 'answer');
      client.close();
      assert.equal((await conn.recv(100)).length, 0, 'end of stream once the peer closed');
      conn.close();
    } finally {
      client.close();
      server.close();
    }
  });

  test('select() reports a listening seqpacket socket readable when a connection waits', async () => {
    const name = abstractName('seqpacket-select');
    const server = socket(AF_UNIX, SOCK_SEQPACKET);
    const client = socket(AF_UNIX, SOCK_SEQPACKET);
    try {
      await server.bind(name);
      await server.listen(1);
      server.setblocking(false);
      assert.equal(server.acceptNowait(), null);
      const ready = select([server], [], [], 5);
      await client.connect(name);
      assert.deepEqual((await ready)[0], [server]);
      const accepted = server.acceptNowait();
      assert.ok(accepted !== null);
      accepted[0].close();
    } finally {
      client.close();
      server.close();
    }
  });
});

describe('socketpair() of every type', needsFdSockets(), () => {
  for (const [name, type] of [
    ['SOCK_STREAM', SOCK_STREAM],
    ['SOCK_DGRAM', SOCK_DGRAM],
    ['SOCK_SEQPACKET', SOCK_SEQPACKET],
  ] as const) {
    test(`socketpair(AF_UNIX, ${name}) gives two connected sockets of that type`, async () => {
      const [a, b] = await socketpair(AF_UNIX, type);
      try {
        assert.equal(a.type, type);
        assert.equal(b.type, type);
        await a.sendall('to b');
        await b.sendall('to a');
        assert.equal((await b.recv(10)).toString(), 'to b');
        assert.equal((await a.recv(10)).toString(), 'to a');
      } finally {
        a.close();
        b.close();
      }
    });
  }

  test('dup() gives a second socket on the same endpoint, and detach() hands the descriptor over', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_SEQPACKET);
    const copy = b.dup();
    try {
      assert.notEqual(copy.fileno(), b.fileno());
      assert.equal(copy.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_SEQPACKET, "the kernel's SO_TYPE");
      await a.sendall('to either');
      assert.equal((await copy.recv(10)).toString(), 'to either');
      const fd = b.detach();
      assert.ok(fd >= 0);
      assert.equal(b.fileno(), -1, 'the socket is closed');
      const again = fromfd(fd, AF_UNIX, SOCK_SEQPACKET);
      closeSync(fd);
      await a.sendall('through fromfd');
      assert.equal((await again.recv(20)).toString(), 'through fromfd');
      again.close();
    } finally {
      copy.close();
      a.close();
      b.close();
    }
  });

  test('fromfd() of a descriptor that is not a socket fails with ENOTSOCK (stream kinds are taken: adopt-fileno.test.ts)', () => {
    const file = openSync(import.meta.filename, 'r');
    try {
      assert.throws(() => fromfd(file, AF_UNIX, SOCK_STREAM), { code: 'ENOTSOCK' });
    } finally {
      closeSync(file);
    }
  });

  test('an idle descriptor socket lets the process exit; a pending recv() keeps it alive until data comes', () => {
    const run = (body: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body], {
        cwd: join(import.meta.dirname, '../..'),
        encoding: 'utf8',
        timeout: 30_000,
      });
    const idle = run(
      "import { socketpair } from './src/socket/index.ts'; await socketpair(1, 2); console.log('left open');",
    );
    assert.equal(idle.status, 0, idle.stderr);
    assert.equal(idle.stdout, 'left open\n');
    const waiting = run(
      [
        "import { socketpair } from './src/socket/index.ts';",
        'const [a, b] = await socketpair(1, 2);',
        "setTimeout(() => a.send('late'), 100).unref();",
        'console.log(String(await b.recv(10))); a.close(); b.close();',
      ].join('\n'),
    );
    assert.equal(waiting.status, 0, waiting.stderr);
    assert.equal(waiting.stdout, 'late\n');
  });

  test('a closed socket reports EBADF and fileno() -1', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
    a.close();
    b.close();
    assert.equal(a.fileno(), -1);
    await assert.rejects(a.send('x'), { code: 'EBADF' });
  });
});
