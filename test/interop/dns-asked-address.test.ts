/**
 * Interop: a DNS service bound to every address (`0.0.0.0`, `::`) answers each query from the
 * address it was asked on, so dig, which refuses "a reply from an unexpected source", takes it.
 * Run in a network namespace of the test's own with a second interface of two addresses per
 * family: from one local address to another, the routing table alone would answer from the
 * wrong one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { needs } from '../support/interop.js';
import { needsPingNamespace, runInNetworkNamespace } from '../support/ping-namespace.js';

const CHILD = join(import.meta.dirname, 'fixtures/dns-asked-address-child.ts');

/**
 * A second interface (one end of a veth pair, both ends in the namespace) with two IPv4 and two
 * IPv6 addresses (no duplicate detection to wait for).
 */
const SETUP = [
  'ip link add p0 type veth peer name p1',
  'ip addr add 10.203.0.1/24 dev p0',
  'ip addr add 10.203.0.2/24 dev p0',
  'ip -6 addr add fd00:203::1/64 dev p0 nodad',
  'ip -6 addr add fd00:203::2/64 dev p0 nodad',
  'ip link set p1 up',
  'ip link set p0 up',
];

interface ChildReport {
  readonly repliesFromAskedAddress: boolean;
  readonly results: ReadonlyArray<{ from: string; to: string; answer: string; said: string }>;
}

/** Runs the child in a fresh namespace: the server on `bind`, dig for each `from>to` pair. */
async function askAcross(bind: string, pairs: readonly string[]): Promise<ChildReport> {
  const { code, stdout, stderr } = await runInNetworkNamespace(SETUP, [
    process.execPath,
    '--import',
    'tsx',
    CHILD,
    bind,
    pairs.join(','),
  ]);
  assert.equal(code, 0, `${stderr}${stdout}`);
  return JSON.parse(stdout) as ChildReport;
}

describe('a DNS service on a wildcard address answers from the address asked', () => {
  const gate = { ...needsPingNamespace(), ...needs('dig'), ...needsFdSockets() };

  test(
    'bound to 0.0.0.0: dig asking 127.0.0.2 and 10.203.0.2 from another address gets its answer',
    gate,
    async () => {
      const report = await askAcross('0.0.0.0', ['127.0.0.1>127.0.0.2', '10.203.0.1>10.203.0.2']);
      assert.equal(report.repliesFromAskedAddress, true);
      assert.equal(report.results.length, 2);
      for (const result of report.results) {
        assert.equal(result.answer, '127.0.0.1', `${result.from} > ${result.to}: ${result.said}`);
        assert.doesNotMatch(result.said, /unexpected source/);
      }
    },
  );

  test(
    'bound to ::: IPv6 and IPv4-mapped questions to a second address are answered from it',
    gate,
    async () => {
      const report = await askAcross('::', [
        '::1>fd00:203::2',
        'fd00:203::1>fd00:203::2',
        '127.0.0.1>127.0.0.2',
      ]);
      assert.equal(report.repliesFromAskedAddress, true);
      assert.equal(report.results.length, 3);
      for (const result of report.results) {
        assert.equal(result.answer, '127.0.0.1', `${result.from} > ${result.to}: ${result.said}`);
        assert.doesNotMatch(result.said, /unexpected source/);
      }
    },
  );
});
