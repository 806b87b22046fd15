/**
 * Passing an open file from one process to another with `SCM_RIGHTS` (`sendFds` / `recvFds`,
 * Python's `send_fds` / `recv_fds`): the other process gets its own descriptor of the same open
 * file — the same offset, the same mode — without being able to open it by name itself. This
 * is how a privileged parent hands out a listening socket or a log file.
 *
 *     node --import tsx examples/pass-fds.ts
 *
 * The parent opens a temporary file, starts this program again as its child with one end of an
 * AF_UNIX datagram socketpair as descriptor 3, and sends it the file's descriptor; the child
 * writes a line through it and says "done". The parent then prints the file. Needs polyport's
 * native addon (`npm run build:native`).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AF_UNIX, fromfd, recvFds, SOCK_DGRAM, sendFds, socketpair } from '../src/socket/index.js';

if (process.argv[2] === 'child') {
  // The child: descriptor 3 is its end of the socketpair.
  const channel = fromfd(3, AF_UNIX, SOCK_DGRAM);
  closeSync(3);
  const [note, [fd]] = await recvFds(channel, 1024, 1);
  if (fd === undefined) throw new Error('no descriptor came');
  writeSync(fd, `written by the child through a descriptor it was given (${note})\n`);
  closeSync(fd);
  await channel.send('done');
  channel.close();
} else {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-pass-fds-'));
  const path = join(dir, 'log.txt');
  const [mine, theirs] = await socketpair(AF_UNIX, SOCK_DGRAM);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, 'child'], {
    stdio: ['ignore', 'inherit', 'inherit', theirs.fileno()],
  });
  theirs.close();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const file = openSync(path, 'w');
  writeSync(file, 'written by the parent\n');
  await sendFds(mine, ['the log'], [file]);
  // The child has its own descriptor now; closing ours does not close the file for it.
  closeSync(file);

  const reply = await mine.recv(100);
  console.log(`child says: ${reply}`);
  console.log(readFileSync(path, 'utf8').trimEnd());
  mine.close();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = (await exited) ?? 1;
}
