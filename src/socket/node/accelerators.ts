/**
 * Every accelerator polyport has, in one list: what the serve listing, the status page and
 * `/metrics` report, and what a server runs the self-tests of before it starts.
 */
import type { Accelerator, AcceleratorStatus } from './accelerator.js';
import { batchedDatagrams } from './batched-datagrams.js';
import { slabReads } from './slab-reads.js';

export type { AcceleratorStatus } from './accelerator.js';
export { setAcceleratorWarningSink } from './accelerator.js';
export { TESTED_NODE_MAJORS } from './node-majors.js';

const ACCELERATORS: readonly Accelerator[] = [slabReads, batchedDatagrams];

/**
 * Where each accelerator stands in this process.
 * @returns one entry per accelerator, in a fixed order.
 * @example for (const a of acceleratorStatus()) console.log(a.name, a.active ? 'on' : a.reason);
 */
export function acceleratorStatus(): AcceleratorStatus[] {
  return ACCELERATORS.map((accelerator) => accelerator.status());
}

/**
 * Runs the self-test of every accelerator that is wanted here (each once per process), so a
 * server that awaits this before it listens uses the fast paths from its first connection.
 * Never rejects: a failed self-test turns its accelerator off.
 * @returns where each accelerator stands afterwards.
 * @example await prepareAccelerators(); // then start listeners
 */
export async function prepareAccelerators(): Promise<AcceleratorStatus[]> {
  await Promise.all(ACCELERATORS.map((accelerator) => accelerator.ready()));
  return acceleratorStatus();
}
