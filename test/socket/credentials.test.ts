import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  AF_UNIX,
  CMSG_SPACE,
  credentialsOf,
  credentialsToBytes,
  SCM_CREDENTIALS,
  SO_PASSCRED,
  SOCK_DGRAM,
  SOL_SOCKET,
  type Socket,
  socketpair,
} from '../../src/socket/index.js';
import { needs } from '../support/interop.js';
import { needsFdSockets } from './fd-socket-support.js';

const SRC = new URL('../../src/socket/index.ts', import.meta.url).href;

/** Runs `command` with `channel`'s descriptor as its descriptor 3; resolves with its pid and exit code. */
function runWith(command: string, args: string[], channel: Socket): Promise<[number, number]> {
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', channel.fileno()] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve([child.pid ?? -1, code ?? (signal ? 128 : 1)]));
  });
}

async function receiver(): Promise<[Socket, Socket]> {
  const [mine, theirs] = await socketpair(AF_UNIX, SOCK_DGRAM);
  mine.settimeout(30);
  mine.setsockopt(SOL_SOCKET, SO_PASSCRED, 1);
  assert.equal(mine.getsockopt(SOL_SOCKET, SO_PASSCRED), 1);
  return [mine, theirs];
}

describe('SCM_CREDENTIALS', needsFdSockets(), () => {
  test('credentialsToBytes() and credentialsOf() lay out struct ucred as Python packs 3i', () => {
    const bytes = credentialsToBytes(1234, 1000, 100);
    assert.equal(bytes.length, 12);
    assert.deepEqual(credentialsOf([[SOL_SOCKET, SCM_CREDENTIALS, bytes]]), [1234, 1000, 100]);
    assert.equal(credentialsOf([]), null);
    assert.throws(() => credentialsToBytes(-1, 0, 0), TypeError);
  });

  test('with SO_PASSCRED a message from another process carries its pid, uid and gid', async () => {
    const [mine, theirs] = await receiver();
    const script = `import { fromfd, AF_UNIX, SOCK_DGRAM } from ${JSON.stringify(SRC)};
      const s = fromfd(3, AF_UNIX, SOCK_DGRAM); await s.send('from node'); s.close();`;
    const [pid, code] = await runWith(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      theirs,
    );
    theirs.close();
    assert.equal(code, 0);
    const [data, ancdata] = await mine.recvmsg(64, CMSG_SPACE(12));
    assert.equal(data.toString(), 'from node');
    assert.deepEqual(credentialsOf(ancdata), [pid, process.getuid?.(), process.getgid?.()]);
    mine.close();
  });

  test('credentials a process sends itself with sendmsg() arrive as it sent them', async () => {
    const [mine, theirs] = await receiver();
    const own = credentialsToBytes(process.pid, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    await theirs.sendmsg([Buffer.from('explicit')], [[SOL_SOCKET, SCM_CREDENTIALS, own]]);
    const [data, ancdata] = await mine.recvmsg(64, CMSG_SPACE(12));
    assert.equal(data.toString(), 'explicit');
    assert.deepEqual(ancdata, [[SOL_SOCKET, SCM_CREDENTIALS, own]]);
    mine.close();
    theirs.close();
  });

  test(
    "Python's sendmsg() with SCM_CREDENTIALS reaches our recvmsg()",
    needs('python3'),
    async () => {
      const [mine, theirs] = await receiver();
      const script = [
        'import os, socket, struct',
        's = socket.socket(fileno=3)',
        'cred = struct.pack("3i", os.getpid(), os.getuid(), os.getgid())',
        's.sendmsg([b"from python"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, cred)])',
      ].join('\n');
      const [pid, code] = await runWith('python3', ['-c', script], theirs);
      theirs.close();
      assert.equal(code, 0);
      const [data, ancdata] = await mine.recvmsg(64, CMSG_SPACE(12));
      assert.equal(data.toString(), 'from python');
      assert.deepEqual(credentialsOf(ancdata), [pid, process.getuid?.(), process.getgid?.()]);
      mine.close();
    },
  );
});
