import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { needs, requires } from '../support/interop.js';
import { RunningExample, runExample, SUITE_MS } from './run-example.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isRoot = process.getuid?.() === 0;

/** The lines of two echo requests answered by 127.0.0.1 over `kind`. */
function twoReplies(kind: string): string {
  const reply = (n: number): string => `23 bytes from 127.0.0.1: icmp_seq=${n} payload intact\n`;
  return `PING 127.0.0.1 over ${kind}\n${reply(1)}${reply(2)}`;
}

describe('examples/ping.ts', { timeout: SUITE_MS, ...needsFdSockets() }, () => {
  test(
    'pings 127.0.0.1 over a raw socket and checks each reply',
    requires(isRoot ? null : 'raw sockets need root (CAP_NET_RAW)'),
    async () => {
      const run = await runExample('ping', ['127.0.0.1', '2', '--raw']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, twoReplies('a raw socket'));
    },
  );

  test('pings 127.0.0.1 over the unprivileged ICMP datagram socket where ping_group_range allows it', {
    ...needs('unshare', 'ip'),
    ...requires(isRoot ? null : 'creating a network namespace needs root'),
  }, async () => {
    // A network namespace of its own: loopback up, and ping_group_range opened there only.
    const shell = [
      'ip link set lo up',
      'echo "0 2147483647" > /proc/sys/net/ipv4/ping_group_range',
      `exec "${process.execPath}" --import tsx examples/ping.ts 127.0.0.1 2`,
    ].join(' && ');
    const run = new RunningExample(
      spawn('unshare', ['--net', 'sh', '-c', shell], { cwd: root, stdio: 'pipe' }),
    );
    run.child.stdin.end();
    assert.deepEqual(await run.exit(), { code: 0, signal: null }, run.stderr);
    assert.equal(run.stdout, twoReplies('the ICMP datagram socket'));
  });
});
