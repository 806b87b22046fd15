import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { runCli } from '../support/cli.js';
import { needsIpv6Loopback } from '../support/interop.js';
import {
  buildRoutedNetwork,
  needsRoutedNamespaces,
  runInNamespace,
} from '../support/routed-namespaces.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ipv6 = await needsIpv6Loopback();
/** One hop's line: its number, then each answer's address (when it changes) and time, or `*`. */
const HOP = /^ ?(\d+) {2}(.*)$/;

/** The hops of traceroute's output: each hop's number and the addresses that answered. */
function hops(stdout: string): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  for (const line of stdout.split('\n')) {
    const match = HOP.exec(line);
    if (match === null) continue;
    // Fields are two spaces apart: an address, then its times (`0.123 ms`); `*` is a timeout.
    const addresses = (match[2] as string)
      .split('  ')
      .filter((field) => !field.endsWith(' ms') && !field.startsWith('*'));
    out.push([Number(match[1]), addresses]);
  }
  return out;
}

test('polyport traceroute --help describes the options and the exit status', async () => {
  const { code, stdout } = await runCli(['traceroute', '--help']);
  assert.equal(code, 0);
  for (const option of [
    '--max-hops',
    '--queries',
    '--wait',
    '--port',
    '-n',
    '-4',
    '-6',
    'Exit status',
  ])
    assert.ok(stdout.includes(option), option);
});

test('polyport traceroute with bad usage exits 2 with one line and a hint', async () => {
  const { code, stdout, stderr } = await runCli(['traceroute', '-m', '0', '127.0.0.1']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^polyport traceroute: --max-hops must be a whole number from 1 to 255/);
});

test('polyport traceroute exits 2 when the name does not resolve', async () => {
  const { code, stderr } = await runCli(['traceroute', 'no-such-host.invalid']);
  assert.equal(code, 2);
  assert.match(stderr, /^polyport traceroute: .*no-such-host\.invalid.*EAI_/);
});

describe('polyport traceroute', needsFdSockets(), () => {
  test('polyport traceroute -n 127.0.0.1 finds it one hop away and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['traceroute', '-n', '-w', '5', '127.0.0.1']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'traceroute to 127.0.0.1 (127.0.0.1), 30 hops max, 60 byte packets');
    assert.equal(lines.length, 2, stdout);
    assert.match(lines[1] as string, /^ 1 {2}127\.0\.0\.1( {2}\d+\.\d{3} ms){3}$/);
  });

  test('polyport traceroute -6 -q 1 ::1 finds it one hop away', ipv6, async () => {
    const { code, stdout, stderr } = await runCli(['traceroute', '-6', '-n', '-q', '1', '::1']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^traceroute to ::1 \(::1\), 30 hops max, 80 byte packets$/m);
    assert.match(stdout, /^ 1 {2}::1 {2}\d+\.\d{3} ms$/m);
  });

  test('polyport traceroute without -n prints a name beside each address', async () => {
    const { code, stdout, stderr } = await runCli(['traceroute', '-q', '1', '127.0.0.1']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^ 1 {2}\S+ \(127\.0\.0\.1\) {2}\d+\.\d{3} ms$/m);
  });

  test(
    'polyport traceroute across two routers in network namespaces shows router 1, router 2 and the destination in order',
    needsRoutedNamespaces(),
    async () => {
      const net = await buildRoutedNetwork();
      try {
        const { code, stdout, stderr } = await runInNamespace(net.host, [
          process.execPath,
          '--import',
          TSX,
          BIN,
          'traceroute',
          '-n',
          '-w',
          '5',
          net.addresses.dest,
        ]);
        assert.equal(code, 0, `${stdout}\n${stderr}`);
        assert.match(
          stdout,
          /^traceroute to 10\.201\.3\.2 \(10\.201\.3\.2\), 30 hops max, 60 byte packets$/m,
        );
        assert.deepEqual(hops(stdout), [
          [1, [net.addresses.router1]],
          [2, [net.addresses.router2]],
          [3, [net.addresses.dest]],
        ]);
        for (const line of stdout.trimEnd().split('\n').slice(1))
          assert.match(line, /^ \d {2}[\d.]+( {2}\d+\.\d{3} ms){3}$/, 'three answers a hop');
      } finally {
        await net.remove();
      }
    },
  );

  test(
    'polyport traceroute -m 1 to a destination two routers away exits 1 after one hop',
    needsRoutedNamespaces(),
    async () => {
      const net = await buildRoutedNetwork();
      try {
        const { code, stdout, stderr } = await runInNamespace(net.host, [
          process.execPath,
          '--import',
          TSX,
          BIN,
          'traceroute',
          '-n',
          '-m',
          '1',
          '-q',
          '1',
          net.addresses.dest,
        ]);
        assert.equal(code, 1, `${stdout}\n${stderr}`);
        assert.deepEqual(hops(stdout), [[1, [net.addresses.router1]]]);
      } finally {
        await net.remove();
      }
    },
  );
});
