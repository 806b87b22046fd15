/**
 * An accelerator that is missing a piece, throws, or hands back wrong bytes costs speed, never
 * traffic: each fault is simulated in a process of its own (fault-scenario.ts), and the
 * accelerator must report itself off, with one warning line, while the bytes still flow.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { AcceleratorStatus } from '../../../src/socket/index.js';

const SCENARIO = join(import.meta.dirname, 'fault-scenario.ts');

/** Runs one scenario with every accelerator switch cleared; its JSON line, parsed. */
async function run(scenario: string): Promise<{ status: AcceleratorStatus[]; warnings: string[] }> {
  const env = { ...process.env };
  delete env.POLYPORT_PUBLIC_READS;
  delete env.POLYPORT_PUBLIC_DATAGRAMS;
  // Every accelerator runs, also on majors where it is off by default.
  env.POLYPORT_ACCELERATE = 'force';
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', SCENARIO, scenario],
    { env, timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

function statusOf(status: AcceleratorStatus[], name: string): AcceleratorStatus {
  const found = status.find((s) => s.name === name);
  assert.ok(found, `${name} is reported`);
  return found;
}

test('slab reads turn off when Node lacks useUserBuffer(), and TCP traffic flows', async () => {
  const { status, warnings } = await run('slab-reads-missing');
  const reads = statusOf(status, 'slab_reads');
  assert.equal(reads.active, false);
  assert.match(reads.reason, /^self-test failed: handle has no useUserBuffer\(\)/);
  assert.deepEqual(warnings, [
    `polyport: accelerator slab_reads turned off (${reads.reason}); using Node's public path`,
  ]);
});

test('slab reads that throw after their self-test turn off, and old and new connections flow', async () => {
  const { status, warnings } = await run('slab-reads-throws');
  const reads = statusOf(status, 'slab_reads');
  assert.equal(reads.active, false);
  assert.equal(reads.reason, 'attach failed: simulated fault');
  assert.equal(warnings.length, 1);
});

test('batched datagrams that throw move the socket back to node:dgram, losing nothing', async (t) => {
  if (process.env.POLYPORT_REQUIRE_NATIVE !== '1' && !(await nativeBuilt())) {
    t.skip('the native addon is not built here');
    return;
  }
  const { status, warnings } = await run('batched-datagrams-throws');
  const batched = statusOf(status, 'batched_datagrams');
  assert.equal(batched.active, false);
  assert.equal(batched.reason, 'recv failed: simulated fault');
  assert.equal(warnings.length, 1);
  assert.equal(statusOf(status, 'slab_reads').active, true, 'the other accelerator stays on');
});

test('a UDP socket closed before the self-test ends leaves batched datagrams on (regression: "reading \'fd\'" of a closed socket turned them off on Node 22+)', async (t) => {
  if (process.env.POLYPORT_REQUIRE_NATIVE !== '1' && !(await nativeBuilt())) {
    t.skip('the native addon is not built here');
    return;
  }
  const { status, warnings } = await run('batched-datagrams-closed-early');
  assert.deepEqual(warnings, []);
  assert.equal(statusOf(status, 'batched_datagrams').active, true);
});

test('batched datagrams whose self-test gets wrong bytes stay off, and UDP traffic flows', async (t) => {
  if (process.env.POLYPORT_REQUIRE_NATIVE !== '1' && !(await nativeBuilt())) {
    t.skip('the native addon is not built here');
    return;
  }
  const { status } = await run('batched-datagrams-corrupt');
  const batched = statusOf(status, 'batched_datagrams');
  assert.equal(batched.active, false);
  assert.match(batched.reason, /^self-test failed: the datagram received differs/);
});

async function nativeBuilt(): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  return existsSync(join(import.meta.dirname, '../../../build/Release/datagram_batch.node'));
}
