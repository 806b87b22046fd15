/**
 * `randomId()`: DNS message ids from the system's cryptographic generator, read ahead in a pool.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Ids read ahead: one read of the generator per 256 queries, for a forwarder under load. */
const POOL = new Uint16Array(256);
let next = POOL.length;

/**
 * A random 16-bit message id from the system's cryptographic generator (RFC 5452 §9.2: ids
 * must not be guessable).
 *
 * @returns an integer in 0..65535.
 * @example
 * createQuery('example.test', RRType.A, { id: randomId() });
 */
export function randomId(): number {
  if (next === POOL.length) {
    fillRandom(POOL);
    next = 0;
  }
  return POOL[next++] as number;
}

/**
 * Fills `pool` from `/dev/urandom` where there is one: the kernel's generator, read with the
 * file calls every command has loaded already. Web Crypto's generator is the same CSPRNG, but
 * its first use loads eight of Node's crypto modules: about 9 ms of a one-query `polyport dig`.
 * Where there is no `/dev/urandom` (Windows), or it reads short, Web Crypto fills it.
 */
function fillRandom(pool: Uint16Array): void {
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, pool) === pool.byteLength) return;
    } finally {
      closeSync(fd);
    }
  } catch {
    // no /dev/urandom here
  }
  globalThis.crypto.getRandomValues(pool);
}
