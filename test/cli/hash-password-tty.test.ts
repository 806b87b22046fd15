import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyPassword } from '../../src/host/index.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/**
 * Runs `polyport hash-password` on a real pseudo-terminal (util-linux `script`), so the command
 * sees a TTY on stdin as it does in a user's shell; everything the terminal shows (echo included)
 * comes out on `script`'s stdout.
 */
function onTerminal(): {
  child: ChildProcess;
  screen: () => string;
  exited: Promise<number | null>;
} {
  const command = [process.execPath, '--import', TSX, BIN, 'hash-password']
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout?.on('data', (d: Buffer) => {
    screen += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, screen: () => screen, exited };
}

async function waitFor(screen: () => string, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!pattern.test(screen())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${screen()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('polyport hash-password on a terminal', () => {
  test('asks twice without echoing the password, and prints a hash of it', async () => {
    const term = onTerminal();
    try {
      await waitFor(term.screen, /Password: $/);
      term.child.stdin?.write('tty-secret\r');
      await waitFor(term.screen, /Again: $/);
      term.child.stdin?.write('tty-secret\r');
      await waitFor(term.screen, /scrypt\$\S+/);
      assert.equal(await term.exited, 0);
      assert.doesNotMatch(term.screen(), /tty-secret/);
      const hash = /scrypt\$\S+/.exec(term.screen())![0];
      assert.equal(await verifyPassword('tty-secret', hash), true);
    } finally {
      term.child.kill('SIGKILL');
    }
  });

  test('two different entries are refused with one line and status 1', async () => {
    const term = onTerminal();
    try {
      await waitFor(term.screen, /Password: $/);
      term.child.stdin?.write('first\r');
      await waitFor(term.screen, /Again: $/);
      term.child.stdin?.write('second\r');
      assert.equal(await term.exited, 1);
      assert.match(term.screen(), /polyport hash-password: the two passwords differ/);
      assert.doesNotMatch(term.screen(), /first|second|scrypt\$/);
    } finally {
      term.child.kill('SIGKILL');
    }
  });

  test('Ctrl-C at the prompt stops with status 1 and no trace', async () => {
    const term = onTerminal();
    try {
      await waitFor(term.screen, /Password: $/);
      term.child.stdin?.write('abc\x03');
      assert.equal(await term.exited, 1);
      assert.match(term.screen(), /polyport hash-password: interrupted/);
      assert.doesNotMatch(term.screen(), /abc|\s+at /);
    } finally {
      term.child.kill('SIGKILL');
    }
  });
});
