/**
 * The majors accelerators may run on are exactly the majors CI tests, and CI's public pass
 * switches off exactly the accelerators there are: the two lists live in two languages
 * (src/socket/node/node-majors.ts and scripts/node-matrix.mjs), so this keeps them one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAJORS, PUBLIC_SWITCHES } from '../../../scripts/node-matrix.mjs';
import { batchedDatagrams } from '../../../src/socket/node/batched-datagrams.js';
import {
  nodeMajor,
  TESTED_NODE_MAJORS,
  untestedNodeReason,
} from '../../../src/socket/node/node-majors.js';
import { slabReads } from '../../../src/socket/node/slab-reads.js';

test('accelerators run on exactly the Node majors CI runs the suite on', () => {
  assert.deepEqual([...TESTED_NODE_MAJORS], MAJORS);
});

test("CI's accelerators-off pass sets every accelerator's public switch", () => {
  assert.deepEqual(
    [...PUBLIC_SWITCHES].sort(),
    [slabReads.publicSwitch, batchedDatagrams.publicSwitch].sort(),
  );
});

test('untestedNodeReason() lets accelerators run on the major this suite runs on', () => {
  assert.ok(TESTED_NODE_MAJORS.includes(nodeMajor()), 'the suite runs on a tested major');
  assert.equal(untestedNodeReason(), null);
});
