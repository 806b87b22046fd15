/**
 * The Node.js majors CI runs the whole suite on: the one table that decides where polyport's
 * accelerators (fast paths on Node internals, see accelerator.ts) may run.
 *
 * Why a table: an accelerator reaches into pieces Node does not promise to keep. A major CI has
 * not run may have changed them in ways a feature check cannot see, so on such a Node every
 * accelerator stays off and the public path runs, until CI covers that major and it is added
 * here. `POLYPORT_ACCELERATE=force` overrides the table (to try a new major), and each
 * accelerator's self-test still guards it then.
 */

/** The majors CI tests, accelerators on and off (keep in step with scripts/node-matrix.mjs). */
export const TESTED_NODE_MAJORS: readonly number[] = [20, 22, 24, 26];

/**
 * The major version of the running Node.
 * @returns e.g. 24 on v24.22.3.
 * @example nodeMajor(); // 24
 */
export function nodeMajor(): number {
  return MAJOR;
}

const MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * Why accelerators may not run on this Node, or null when they may: this major is in
 * {@link TESTED_NODE_MAJORS}, or `POLYPORT_ACCELERATE=force` is set.
 * @returns a reason to show, or null.
 * @example if (untestedNodeReason() !== null) console.log('public paths only');
 */
export function untestedNodeReason(): string | null {
  if (process.env.POLYPORT_ACCELERATE === 'force') return null;
  if (TESTED_NODE_MAJORS.includes(nodeMajor())) return null;
  return `Node ${process.version} is not a major CI tests (POLYPORT_ACCELERATE=force overrides)`;
}
