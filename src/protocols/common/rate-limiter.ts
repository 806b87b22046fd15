/**
 * A per-address token bucket for UDP services, so echo, chargen and the rest cannot be used to
 * amplify traffic at a spoofed victim.
 */

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Datagrams per second per address; 0 disables the limit. */
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
 * Decides, datagram by datagram, whether an address is within its rate.
 * @example if (limiter.allow('192.0.2.1', Date.now())) reply();
 */
export class RateLimiter {
  readonly #options: Required<RateLimiterOptions>;
  readonly #buckets = new Map<string, Bucket>();
  /** Datagrams refused so far. */
  refused = 0;

  constructor(options: RateLimiterOptions) {
    if (options.perSecond < 0 || options.burst < 1) {
      throw new RangeError('RateLimiter: perSecond must be >= 0 and burst >= 1');
    }
    this.#options = { maxAddresses: 10_000, exemptLoopback: true, ...options };
  }

  /**
   * Takes one token for `address` if it has one.
   * @param now the time in milliseconds.
   */
  allow(address: string, now: number): boolean {
    const { perSecond, burst } = this.#options;
    if (perSecond === 0 || (this.#options.exemptLoopback && isLoopback(address))) return true;
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#options.maxAddresses) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      bucket = { tokens: burst, updated: now };
    } else this.#buckets.delete(address);
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updated) / 1000) * perSecond);
    bucket.updated = now;
    // Re-inserting keeps the map in least-recently-seen order for eviction.
    this.#buckets.set(address, bucket);
    if (bucket.tokens < 1) {
      this.refused++;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
