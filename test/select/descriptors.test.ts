import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import {
  DefaultSelector,
  EVENT_READ,
  EVENT_WRITE,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  PollSelector,
  poll,
  SelectSelector,
  select,
} from '../../src/select/index.js';
import { AF_INET, SOCK_DGRAM, type Socket, socket } from '../../src/socket/index.js';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { needs } from '../support/interop.js';
import { makePipe, type Pipe } from './pipe-support.js';

const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'fixtures/stdin-select-child.ts');

const pipes: Pipe[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const p of pipes) p.close();
  for (const s of sockets) s.close();
});

function pipe(): Pipe {
  const p = makePipe();
  pipes.push(p);
  return p;
}

/** Reads what is in the pipe now. */
function drain(p: Pipe): string {
  const buffer = Buffer.alloc(4096);
  return buffer.subarray(0, readSync(p.r, buffer)).toString();
}

const gate = { ...needsFdSockets(), ...needs('mkfifo') };

describe('select() on file descriptors', gate, () => {
  test('a pipe is writable at its write end and readable at its read end only once written', async () => {
    const p = pipe();
    assert.deepEqual(await select([p.r], [p.w], [], 0), [[], [p.w], []]);
    writeSync(p.w, 'x');
    assert.deepEqual(await select([p.r], [p.w], [], 0), [[p.r], [p.w], []]);
    assert.equal(drain(p), 'x');
    assert.deepEqual(await select([p.r], [], [], 0), [[], [], []]);
  });

  test('a waiting select() on a pipe wakes when the other end writes', async () => {
    const p = pipe();
    const pending = select([p.r], [], [], null);
    setImmediate(() => writeSync(p.w, 'wake'));
    assert.deepEqual(await pending, [[p.r], [], []]);
    assert.equal(drain(p), 'wake');
  });

  test('a pipe whose writer closed is readable (end of file), as Python shows it', async () => {
    const p = pipe();
    const pending = select([p.r], [], [], null);
    setImmediate(() => p.closeEnd('w'));
    assert.deepEqual(await pending, [[p.r], [], []]);
    assert.equal(drain(p), '');
  });

  test('an object with a fileno() method is selected as its descriptor and returned as itself', async () => {
    const p = pipe();
    const reader = { fileno: () => p.r };
    const writer = { fileno: () => p.w };
    writeSync(p.w, 'y');
    assert.deepEqual(await select([reader], [writer], [], 0), [[reader], [writer], []]);
    drain(p);
  });

  test('the same descriptor in the read and the write list is reported in each', async () => {
    const p = pipe();
    const pending = select([p.r, p.w], [p.r, p.w], [], null);
    assert.deepEqual(await pending, [[], [p.w], []]);
  });

  test('a regular file is always readable and writable, as POSIX says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polyport-select-'));
    const fd = openSync(join(dir, 'file'), 'w+');
    try {
      assert.deepEqual(await select([fd], [fd], [], null), [[fd], [fd], []]);
      assert.deepEqual(await select([fd], [], [], 0), [[fd], [], []]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a closed descriptor makes select() raise EBADF', async () => {
    const p = pipe();
    p.closeEnd('r');
    await assert.rejects(select([p.r], [], [], 0), { code: 'EBADF', errno: 9 });
  });

  test('a descriptor closed during a wait ends it with EBADF when it wakes, without crashing', async () => {
    const p = pipe();
    const { r } = p;
    const pending = select([r], [], [], null);
    setImmediate(() => {
      p.closeEnd('r');
      // The watcher holds a duplicate of the read end, so this write still reaches it and
      // wakes the wait, which then finds descriptor r closed.
      writeSync(p.w, 'after close');
    });
    await assert.rejects(pending, { code: 'EBADF' });
  });

  test('negative descriptors and non-integers are refused as Python refuses them', async () => {
    await assert.rejects(select([-1], [], [], 0), RangeError);
    await assert.rejects(select([1.5], [], [], 0), TypeError);
    await assert.rejects(select([{ fileno: () => 'three' } as never], [], [], 0), TypeError);
  });

  test('select() on stdin of a child process returns when the parent writes to it, and leaves it blocking', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (line === 'waiting') child.stdin.write('hello\n');
      else if (line.startsWith('{')) child.stdin.end();
    }
    assert.equal(await exited, 0);
    assert.deepEqual(lines, ['waiting', JSON.stringify({ readable: [0], read: 'hello\n' }), 'eof']);
  });
});

describe('poll() on file descriptors', gate, () => {
  test('poll() reports POLLOUT on a pipe write end and POLLIN on its read end once written', async () => {
    const p = pipe();
    const set = poll<number>();
    set.register(p.r, POLLIN);
    set.register(p.w, POLLOUT);
    assert.deepEqual(await set.poll(0), [[p.w, POLLOUT]]);
    set.modify(p.w, POLLIN);
    assert.deepEqual(await set.poll(0), []);
    const pending = set.poll();
    setImmediate(() => writeSync(p.w, 'z'));
    assert.deepEqual(await pending, [[p.r, POLLIN]]);
    drain(p);
    set.unregister(p.w);
  });

  test('poll() reports POLLHUP when the writer is gone and POLLNVAL for a closed descriptor', async () => {
    const p = pipe();
    const set = poll<number>();
    set.register(p.r, POLLIN);
    p.closeEnd('w');
    assert.deepEqual(await set.poll(0), [[p.r, POLLHUP]]);
    p.closeEnd('r');
    assert.deepEqual(await set.poll(0), [[p.r, POLLNVAL]]);
  });

  test('a descriptor closed during poll() is reported as POLLNVAL when the wait wakes', async () => {
    const p = pipe();
    const { r } = p;
    const set = poll<number>();
    set.register(r, POLLIN);
    const pending = set.poll();
    setImmediate(() => {
      p.closeEnd('r');
      writeSync(p.w, 'after close');
    });
    assert.deepEqual(await pending, [[r, POLLNVAL]]);
  });
});

for (const Selector of [DefaultSelector, PollSelector, SelectSelector]) {
  describe(`${Selector.name} on a socket and a pipe`, gate, () => {
    test('reports the pipe when it is written and the socket when a datagram comes', async () => {
      const p = pipe();
      const sock = socket(AF_INET, SOCK_DGRAM);
      const sender = socket(AF_INET, SOCK_DGRAM);
      sockets.push(sock, sender);
      await sock.bind(['127.0.0.1', 0]);
      const sel = new Selector<string>();
      try {
        const pipeKey = sel.register(p.r, EVENT_READ, 'pipe');
        const sockKey = sel.register(sock, EVENT_READ, 'socket');
        assert.equal(pipeKey.fd, p.r);
        assert.deepEqual(await sel.select(0), []);

        let pending = sel.select();
        setImmediate(() => writeSync(p.w, 'from the pipe'));
        assert.deepEqual(await pending, [[pipeKey, EVENT_READ]]);
        assert.equal(drain(p), 'from the pipe');

        pending = sel.select();
        setImmediate(() => void sender.sendto('from the socket', sock.getsockname()));
        assert.deepEqual(await pending, [[sockKey, EVENT_READ]]);
        assert.equal((await sock.recvfrom(100))[0].toString(), 'from the socket');

        sel.modify(p.r, EVENT_READ | EVENT_WRITE, 'pipe');
        sel.register(p.w, EVENT_WRITE, 'writer');
        assert.deepEqual(
          (await sel.select(0)).map(([key, events]) => [key.data, events]),
          [['writer', EVENT_WRITE]],
        );
      } finally {
        sel.close();
      }
    });

    test('a descriptor closed while registered is left out and the wait still times out', async () => {
      const p = pipe();
      const other = pipe();
      const sel = new Selector<string>();
      try {
        sel.register(p.r, EVENT_READ, 'closed');
        sel.register(other.r, EVENT_READ, 'idle');
        p.closeEnd('r');
        assert.deepEqual(await sel.select(0.05), []);
      } finally {
        sel.close();
      }
    });

    test('leaves out a descriptor closed while registered, as epoll drops it', async () => {
      const p = pipe();
      const other = pipe();
      const sel = new Selector<string>();
      try {
        sel.register(p.r, EVENT_READ, 'closed');
        const key = sel.register(other.r, EVENT_READ, 'open');
        p.closeEnd('r');
        writeSync(other.w, 'x');
        assert.deepEqual(await sel.select(0), [[key, EVENT_READ]]);
      } finally {
        sel.close();
      }
    });
  });
}

describe('select() on descriptors without the native addon', () => {
  test('fails with the SocketError that says to build it, while sockets still work', () => {
    const script = [
      "import { select } from './src/select/index.js';",
      "import { socket, AF_INET, SOCK_DGRAM } from './src/socket/index.js';",
      'const s = socket(AF_INET, SOCK_DGRAM);',
      'console.log(JSON.stringify(await select([], [s], [], 0)).length > 0 ? "socket ok" : "?");',
      's.close();',
      'try { await select([0], [], [], 0); console.log("selected"); }',
      'catch (err) { console.log(err.constructor.name, err.code, err.message); }',
    ].join('\n');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, env: { ...process.env, POLYPORT_NO_FD_SOCKETS: '1' }, encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    const [first, second = ''] = result.stdout.trim().split('\n');
    assert.equal(first, 'socket ok');
    assert.match(second, /^SocketError ESOCKTNOSUPPORT select/);
    assert.ok(second.includes("polyport's native addon"), second);
    assert.ok(second.includes('npm run build:native'), second);
  });
});
