import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AF_UNIX,
  CMSG_LEN,
  CMSG_SPACE,
  createConnection,
  createServer,
  decodeAncillary,
  encodeAncillary,
  fdsOf,
  fdsToBytes,
  MSG_CTRUNC,
  recvFds,
  SCM_RIGHTS,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOL_SOCKET,
  type Socket,
  sendFds,
  socketpair,
} from '../../src/socket/index.js';
import { needs } from '../support/interop.js';
import { needsFdSockets } from './fd-socket-support.js';
import { readAll } from './support.js';

const CHILD = join(import.meta.dirname, 'fixtures/fd-child.ts');

/** Runs `command` with `channel`'s descriptor as its descriptor 3; resolves with its exit code. */
function runWith(command: string, args: string[], channel: Socket): Promise<number> {
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', channel.fileno()],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** A socketpair whose reads give up after 30 s: a child that died fails the test, never hangs it. */
async function pair(type: number): Promise<[Socket, Socket]> {
  const [mine, theirs] = await socketpair(AF_UNIX, type);
  mine.settimeout(30);
  return [mine, theirs];
}

function nodeChild(channel: Socket): Promise<number> {
  return runWith(process.execPath, ['--import', 'tsx', CHILD], channel);
}

describe('CMSG_LEN, CMSG_SPACE and the control area', () => {
  test('CMSG_LEN and CMSG_SPACE have Linux 64-bit values, as Python shows them', () => {
    assert.equal(CMSG_LEN(0), 16);
    assert.equal(CMSG_LEN(4), 20);
    assert.equal(CMSG_SPACE(4), 24);
    assert.equal(CMSG_SPACE(8), 24);
    assert.equal(CMSG_SPACE(12), 32);
    assert.throws(() => CMSG_LEN(-1), RangeError);
  });

  test('ancillary items survive encoding and decoding, several in a row', () => {
    const items = [
      [SOL_SOCKET, SCM_RIGHTS, fdsToBytes([3, 4, 5])],
      [0, 8, Buffer.from('twelve bytes')],
    ] as const;
    const control = encodeAncillary(items);
    assert.equal(control.length, CMSG_SPACE(12) + CMSG_LEN(12));
    const decoded = decodeAncillary(control);
    assert.deepEqual(
      decoded.map(([level, type, data]) => [level, type, data.toString('hex')]),
      items.map(([level, type, data]) => [level, type, Buffer.from(data).toString('hex')]),
    );
    assert.deepEqual(fdsOf(decoded), [3, 4, 5]);
  });
});

describe('descriptors passed over SCM_RIGHTS', needsFdSockets(), () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'polyport-fds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a listening TCP socket passed to a child process serves a connection there', async () => {
    const listener = await createServer(['127.0.0.1', 0]);
    const [mine, theirs] = await pair(SOCK_DGRAM);
    try {
      const exited = nodeChild(theirs);
      theirs.close();
      assert.equal(await sendFds(mine, ['listen'], [listener.fileno()]), 'listen'.length);
      assert.equal((await mine.recv(16)).toString(), 'done');
      // Ours is the same listening socket: close it, so the connection can only go to the child.
      const address = listener.getsockname() as [string, number];
      listener.close();
      const client = await createConnection(address, 10);
      const reply = (await readAll(client)).toString();
      client.close();
      assert.match(reply, /^served by child \d+\n$/);
      assert.notEqual(reply, `served by child ${process.pid}\n`);
      assert.equal(await exited, 0);
    } finally {
      listener.close();
      mine.close();
    }
  });

  test('a file descriptor goes to a child that writes to it, and one comes back that we write to', async () => {
    const path = join(dir, 'to-child.txt');
    const fd = openSync(path, 'w');
    const [mine, theirs] = await pair(SOCK_DGRAM);
    try {
      const exited = nodeChild(theirs);
      theirs.close();
      await sendFds(mine, ['write'], [fd]);
      closeSync(fd);
      assert.equal((await mine.recv(16)).toString(), 'done');
      assert.equal(await exited, 0);
      assert.match(readFileSync(path, 'utf8'), /^written by child \d+\n$/);
    } finally {
      mine.close();
    }
    const back = join(dir, 'from-child.txt');
    const [ours, child] = await pair(SOCK_SEQPACKET);
    try {
      const exited = nodeChild(child);
      child.close();
      await ours.sendall(`give ${back}`);
      const [data, fds, flags] = await recvFds(ours, 16, 4);
      assert.equal(data.toString(), 'here');
      assert.equal(fds.length, 1);
      assert.equal(flags & MSG_CTRUNC, 0);
      writeSync(fds[0] as number, 'written by the parent\n');
      closeSync(fds[0] as number);
      assert.equal(await exited, 0);
      assert.equal(readFileSync(back, 'utf8'), 'written by the parent\n');
    } finally {
      ours.close();
    }
  });

  test('descriptors beyond the room given are dropped with MSG_CTRUNC', async () => {
    const [a, b] = await socketpair(AF_UNIX, SOCK_DGRAM);
    const files = [0, 1, 2].map((i) => openSync(join(dir, `many-${i}`), 'w'));
    try {
      await sendFds(a, ['three'], files);
      const [data, fds, flags] = await recvFds(b, 16, 1);
      assert.equal(data.toString(), 'three');
      assert.equal(fds.length, 1);
      assert.equal(flags & MSG_CTRUNC, MSG_CTRUNC);
      for (const fd of fds) closeSync(fd);
    } finally {
      for (const fd of files) closeSync(fd);
      a.close();
      b.close();
    }
  });

  test("Python's recv_fds() and send_fds() interoperate with ours", needs('python3'), async () => {
    const toPython = join(dir, 'to-python.txt');
    const fromPython = join(dir, 'from-python.txt');
    const script = [
      'import os, socket',
      's = socket.socket(fileno=3)',
      'data, fds, flags, addr = socket.recv_fds(s, 100, 2)',
      'os.write(fds[0], b"python got " + data + b"\\n")',
      `fd = os.open(${JSON.stringify(fromPython)}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)`,
      'socket.send_fds(s, [b"from python"], [fd])',
    ].join('\n');
    const fd = openSync(toPython, 'w');
    const [mine, theirs] = await pair(SOCK_DGRAM);
    try {
      const exited = runWith('python3', ['-c', script], theirs);
      theirs.close();
      await sendFds(mine, ['hello'], [fd]);
      const [data, fds] = await recvFds(mine, 100, 2);
      assert.equal(data.toString(), 'from python');
      assert.equal(fds.length, 1);
      writeSync(fds[0] as number, 'python passed this\n');
      closeSync(fds[0] as number);
      assert.equal(await exited, 0);
      assert.equal(readFileSync(toPython, 'utf8'), 'python got hello\n');
      assert.equal(readFileSync(fromPython, 'utf8'), 'python passed this\n');
    } finally {
      closeSync(fd);
      mine.close();
    }
  });
});
