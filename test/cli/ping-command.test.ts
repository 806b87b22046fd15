import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { runCli, startCli } from '../support/cli.js';
import { needsIpv6Loopback, requires } from '../support/interop.js';
import { needsPingNamespace, runInPingNamespace } from '../support/ping-namespace.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const isRoot = process.getuid?.() === 0;
const ipv6 = await needsIpv6Loopback();
const REPLY = /^64 bytes from 127\.0\.0\.1: icmp_seq=(\d+) ttl=\d+ time=\d+(\.\d+)? ms$/;

test('polyport ping --help describes the options and the exit status', async () => {
  const { code, stdout } = await runCli(['ping', '--help']);
  assert.equal(code, 0);
  for (const option of ['--count', '--interval', '--timeout', '--size', 'Exit status'])
    assert.ok(stdout.includes(option), option);
});

test('polyport ping with bad usage exits 2 with one line and a hint', async () => {
  const { code, stdout, stderr } = await runCli(['ping', '-c', 'many', '127.0.0.1']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^polyport ping: --count must be a whole number/);
});

test('polyport ping exits 2 when the name does not resolve', async () => {
  const { code, stderr } = await runCli(['ping', '-c', '1', 'no-such-host.invalid']);
  assert.equal(code, 2);
  assert.match(stderr, /^polyport ping: .*no-such-host\.invalid.*EAI_/);
});

describe('polyport ping on loopback', needsFdSockets(), () => {
  test(
    'polyport ping -c 3 127.0.0.1 prints a line per reply and the statistics, and exits 0',
    requires(isRoot ? null : 'a raw socket needs root here'),
    async () => {
      const { code, stdout, stderr } = await runCli(['ping', '-c', '3', '-i', '0.2', '127.0.0.1']);
      assert.equal(code, 0, stderr);
      const lines = stdout.split('\n');
      assert.equal(lines[0], 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.');
      const replies = lines.filter((line) => REPLY.test(line));
      assert.deepEqual(
        replies.map((line) => Number(REPLY.exec(line)?.[1])),
        [1, 2, 3],
      );
      assert.ok(lines.includes('--- 127.0.0.1 ping statistics ---'));
      assert.match(stdout, /^3 packets transmitted, 3 received, 0% packet loss, time \d+ms$/m);
      assert.match(stdout, /^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/m);
    },
  );

  test('polyport ping -6 -c 1 ::1 gets its reply', {
    ...requires(isRoot ? null : 'a raw socket needs root here'),
    ...ipv6,
  }, async () => {
    const { code, stdout, stderr } = await runCli(['ping', '-6', '-c', '1', '::1']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^PING ::1 \(::1\) 56 data bytes$/m);
    assert.match(stdout, /^64 bytes from ::1: icmp_seq=1 (ttl=\d+ )?time=[\d.]+ ms$/m);
    assert.match(stdout, /^1 packets transmitted, 1 received, 0% packet loss/m);
  });

  test(
    'polyport ping without -c runs until interrupted, then prints the statistics and exits 0',
    requires(isRoot ? null : 'a raw socket needs root here'),
    async () => {
      const proc = startCli(['ping', '-i', '0.2', '127.0.0.1']);
      try {
        await proc.waitFor(/icmp_seq=2 /);
        proc.child.kill('SIGINT');
        assert.equal(await proc.exited, 0, proc.stderr);
        assert.match(proc.stdout, /^(\d+) packets transmitted, \1 received, 0% packet loss/m);
      } finally {
        proc.child.kill('SIGKILL');
      }
    },
  );

  test(
    'polyport ping uses the unprivileged ICMP socket where ping_group_range allows it (own network namespace)',
    needsPingNamespace(),
    async () => {
      const argv = [process.execPath, '--import', 'tsx', BIN, 'ping', '-c', '2', '-i', '0.2'];
      const { code, stdout, stderr } = await runInPingNamespace([...argv, '127.0.0.1']);
      assert.equal(code, 0, stderr);
      assert.equal(stdout.split('\n').filter((line) => REPLY.test(line)).length, 2, stdout);
      assert.match(stdout, /^2 packets transmitted, 2 received, 0% packet loss/m);
    },
  );
});
