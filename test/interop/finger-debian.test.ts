/**
 * finger as others wrote it: Debian's `finger` client and `nc` against our server, and our
 * client against Debian's `in.fingerd` (run on loopback through socat).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { finger } from '../../src/protocols/finger/index.js';
import { startLiveFinger } from '../protocols/finger/live-server.js';
import { runCli } from '../support/cli.js';
import {
  mountNamespaceMissing,
  needs,
  requires,
  which,
  withFileMountedOver,
} from '../support/interop.js';

const run = promisify(execFile);

/** Runs a command with a hard time limit; returns its stdout with LF line endings. */
async function output(command: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run(command, [...args], { timeout: 10_000 });
  // Debian's finger passes our CRLF through when stdout is not a terminal.
  return stdout.replace(/\r\n/g, '\n');
}

/** Runs a shell pipeline with a hard time limit; returns its stdout. */
async function sh(script: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', script], { timeout: 10_000 });
  return stdout;
}

/**
 * Debian's finger has no port option: it connects to the port /etc/services names for finger.
 * Rather than take port 79 (root only, and perhaps busy), each run of finger gets a private mount
 * namespace whose /etc/services names the port the kernel picked for our server.
 */
const debianFinger = { ...needs('finger'), ...requires(mountNamespaceMissing()) };

test(
  'Debian finger reads our server: user, list, long list, no such user',
  debianFinger,
  async (t) => {
    const server = await startLiveFinger();
    t.after(() => server.stop());
    const dir = mkdtempSync(join(tmpdir(), 'polyport-finger-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const services = join(dir, 'services');
    writeFileSync(services, `finger\t\t${server.port}/tcp\n`);
    const fingerCommand = (...args: string[]) =>
      output(...withFileMountedOver(services, '/etc/services', 'finger', args));
    const alice = await fingerCommand('alice@127.0.0.1');
    assert.match(alice, /^Login: alice\s+Name: Alice Liddell$/m);
    assert.match(alice, /^Plan:\nFollow the white rabbit\.\nDrink me\.$/m);
    const list = await fingerCommand('@127.0.0.1');
    assert.match(list, /^Login\s+Name\s+Tty/m);
    assert.match(list, /^bob\s+Bob Dobbs/m);
    // -l sends /W, which we answer with the long records.
    assert.match(await fingerCommand('-l', '@127.0.0.1'), /^Login: bob\s+Name: Bob Dobbs$/m);
    assert.match(await fingerCommand('carol@127.0.0.1'), /^finger: carol: no such user\.$/m);
    const mallory = await fingerCommand('mallory@127.0.0.1');
    assert.doesNotMatch(mallory, /\x1b|\x07|\x9b/);
    assert.deepEqual(
      server.requests.map((r) => r.query),
      ['alice', '', '/W', 'carol', 'mallory'],
    );
  },
);

test(
  'nc: our finger server answers a CRLF query, and one ended by closing instead',
  needs('nc'),
  async (t) => {
    const server = await startLiveFinger();
    t.after(() => server.stop());
    const bob = await sh(`printf 'bob\\r\\n' | nc 127.0.0.1 ${server.port}`);
    assert.match(bob, /^Login: bob\s+Name: Bob Dobbs\r\n/);
    // -N shuts down the sending side at the end of input: the query has no line end at all.
    const unterminated = await sh(`printf 'alice' | nc -N 127.0.0.1 ${server.port}`);
    assert.match(unterminated, /^Login: alice/);
    const forward = await sh(`printf 'bob@example.org\\r\\n' | nc 127.0.0.1 ${server.port}`);
    assert.equal(forward, 'Finger forwarding service denied\r\n');
  },
);

/** A free loopback port (bound and released: a small race, acceptable in a test). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Debian's in.fingerd behind socat on a loopback port; resolves once it accepts. Readiness
 * is probed by connecting, never by binding: a probe that binds the port could take it from under
 * socat, which would then exit with EADDRINUSE. If socat exits anyway (another process took the
 * free port first), it starts again on a fresh port.
 */
async function startFingerd(): Promise<{ port: number; child: ChildProcess }> {
  const fingerd = which('in.fingerd') as string;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const port = await freePort();
    const child = spawn(
      'socat',
      [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `EXEC:${fingerd}`],
      { stdio: 'ignore' },
    );
    while (child.exitCode === null && child.signalCode === null) {
      if (await accepts(port)) return { port, child };
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`socat did not listen on ${port} within 10 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (Date.now() > deadline) throw new Error(`socat exited with ${child.exitCode}`);
  }
}

/** Whether something accepts connections on a loopback port (the probe closes at once). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

test(
  'finger() reads Debian in.fingerd: a user, the list and an unknown user',
  needs('socat', 'in.fingerd'),
  async (t) => {
    const { port, child } = await startFingerd();
    t.after(() => child.kill());
    const root = await finger('root', '127.0.0.1', { port, timeout: 10 });
    assert.match(root, /^Login: root\s+Name: root\r?\n/);
    assert.match(root, /Directory: \/root/);
    const list = await finger('', '127.0.0.1', { port, timeout: 10 });
    assert.match(list, /No one logged on|Login\s+Name/);
    // in.fingerd runs finger(1), whose "no such user" goes to its stderr, not to the socket.
    const unknown = await finger('no-such-user-here', '127.0.0.1', { port, timeout: 10 });
    assert.doesNotMatch(unknown, /Login:/);
  },
);

test(
  'polyport finger reads Debian in.fingerd through the command line',
  needs('socat', 'in.fingerd'),
  async (t) => {
    const { port, child } = await startFingerd();
    t.after(() => child.kill());
    const { code, stdout, stderr } = await runCli(['finger', '-l', `root@127.0.0.1:${port}`]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Login: root/m);
    assert.doesNotMatch(stdout, /\r/);
  },
);
