/**
 * A per-address token bucket for UDP services, so echo, chargen and the rest cannot be used to
 * amplify traffic at a spoofed victim.
 */
import { addressGroup } from './address-group.js';

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Datagrams per second per address (an IPv6 /64 is one address); 0 disables the limit. */
  readonly perSecond: number;
  /** Datagrams an address may send at once. */
  readonly burst: number;
  /** Addresses tracked at most; the least recently seen are forgotten first. */
  readonly maxAddresses?: number;
  /** Let loopback addresses through unlimited (so local benchmarks measure the server). */
  readonly exemptLoopback?: boolean;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Decides, datagram by datagram, whether an address is within its rate. Addresses are grouped as
 * `addressGroup()` does: an IPv6 /64 is one client, an IPv4-mapped IPv6 address is its IPv4.
 *
 * The table holds `maxAddresses` buckets; past that the least recently seen is forgotten. A
 * forgotten address must not come back with a full burst (an attacker could otherwise reset the
 * victim's bucket by spraying spoofed sources), so an address not in the table starts with
 * only what any forgotten bucket is sure to have refilled since it was last seen: a full burst
 * while nothing has been forgotten (or only long-idle buckets), an empty bucket while buckets
 * are being evicted under churn.
 *
 * @example if (limiter.allow('192.0.2.1', Date.now())) reply();
 */
export class RateLimiter {
  readonly #options: Required<RateLimiterOptions>;
  readonly #buckets = new Map<string, Bucket>();
  /** The latest `updated` of any bucket evicted so far (-Infinity: none). */
  #forgottenUntil = Number.NEGATIVE_INFINITY;
  /** Datagrams refused so far. */
  refused = 0;

  /**
   * @param options The rate, the burst, the table size and the loopback exemption.
   * @throws {RangeError} When `perSecond` is negative, `burst` below 1 or `maxAddresses`
   *   below 1.
   */
  constructor(options: RateLimiterOptions) {
    if (options.perSecond < 0 || options.burst < 1) {
      throw new RangeError('RateLimiter: perSecond must be >= 0 and burst >= 1');
    }
    this.#options = { maxAddresses: 10_000, exemptLoopback: true, ...options };
    if (!(this.#options.maxAddresses >= 1)) {
      throw new RangeError('RateLimiter: maxAddresses must be >= 1');
    }
  }

  /**
   * Takes one token for `address` if it has one.
   * @param address The sender's address text.
   * @param now the time in milliseconds.
   * @returns Whether the datagram may be answered.
   */
  allow(address: string, now: number): boolean {
    const { perSecond, burst } = this.#options;
    if (perSecond === 0 || (this.#options.exemptLoopback && isLoopback(address))) return true;
    const key = addressGroup(address);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#options.maxAddresses) this.#evictOldest();
      // Unknown: new, or forgotten no later than #forgottenUntil with at least 0 tokens then.
      const refilled = ((now - this.#forgottenUntil) / 1000) * perSecond;
      bucket = { tokens: Math.min(burst, Math.max(0, refilled)), updated: now };
    } else this.#buckets.delete(key);
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updated) / 1000) * perSecond);
    bucket.updated = now;
    // Re-inserting keeps the map in least-recently-seen order for eviction.
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      this.refused++;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  #evictOldest(): void {
    const oldest = this.#buckets.entries().next().value;
    if (oldest === undefined) return;
    this.#buckets.delete(oldest[0]);
    this.#forgottenUntil = Math.max(this.#forgottenUntil, oldest[1].updated);
  }
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
