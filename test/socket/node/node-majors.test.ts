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

test('an accelerator stays off on a tested major where it showed no gain, unless forced', async () => {
  const { Accelerator } = await import('../../../src/socket/node/accelerator.js');
  const elsewhere = new Accelerator({
    name: 'example',
    publicSwitch: 'POLYPORT_PUBLIC_EXAMPLE',
    majors: TESTED_NODE_MAJORS.filter((major) => major !== nodeMajor()),
    missing: () => null,
    selfTest: async () => {},
  });
  const saved = process.env.POLYPORT_ACCELERATE;
  try {
    delete process.env.POLYPORT_ACCELERATE;
    assert.equal(elsewhere.usable(), false);
    assert.match(
      elsewhere.status().reason,
      new RegExp(`^no gain measured on Node ${nodeMajor()};`),
    );
    process.env.POLYPORT_ACCELERATE = 'force';
    assert.equal(await elsewhere.ready(), true);
    assert.equal(elsewhere.status().active, true);
  } finally {
    if (saved === undefined) delete process.env.POLYPORT_ACCELERATE;
    else process.env.POLYPORT_ACCELERATE = saved;
  }
});
