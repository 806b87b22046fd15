/**
 * Random bytes for the accelerators' self-tests (a payload that no misplaced, repeated or
 * reordered piece can still match), from Web Crypto's global generator.
 *
 * Why not `node:crypto`'s `randomBytes`: importing node:crypto loads a dozen of Node's modules,
 * and the socket layer that imports these self-tests is loaded by every client command (a
 * one-query `polyport dig` included), which otherwise has no use for node:crypto.
 */

/** The most bytes `crypto.getRandomValues()` fills in one call (Web Crypto's quota). */
const QUOTA = 65536;

/**
 * A buffer of `size` random bytes.
 * @param size how many bytes.
 * @returns a new buffer of that many random bytes.
 * @example const query = randomPayload(1200);
 */
export function randomPayload(size: number): Buffer {
  const payload = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += QUOTA) {
    globalThis.crypto.getRandomValues(payload.subarray(at, Math.min(at + QUOTA, size)));
  }
  return payload;
}
