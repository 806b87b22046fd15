/**
 * `literalLookup`: the name lookup polyport gives its `node:dgram` sockets. Node looks up the
 * host of every `send()`, even an IP literal, and `dns.lookup()` answers a literal on the next
 * tick, so each datagram waits a tick and costs a closure, a tick object and an async-hooks
 * scope before it is sent. Answering literals at once lets `send()` reach the kernel in the
 * call itself, as Python's `sendto()` does; real names still go to `dns.lookup()`.
 */
import type { LookupOneOptions } from 'node:dns';
import { ipFamily } from './inet.js';
import { loadBuiltin } from './load-builtin.js';

/** The callback of a `node:dgram` lookup. */
export type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string,
  family: number,
) => void;

/**
 * Resolves `hostname` for a datagram socket: an IP literal is answered synchronously (as it
 * is, with its own family, which is what `dns.lookup()` would answer a tick later); anything
 * else is looked up with `dns.lookup()`.
 *
 * @param hostname the host Node was given (a literal or a name).
 * @param options the family Node asks for (`4` or `6`, or an options object).
 * @param callback receives the address and its family.
 * @returns nothing; the answer goes to `callback`.
 * @throws never: lookup errors go to `callback`.
 * @example
 * const udp = createSocket({ type: 'udp4', lookup: literalLookup });
 * udp.send(data, 53, '127.0.0.1'); // sent before send() returns
 */
export function literalLookup(
  hostname: string,
  options: LookupOneOptions | number,
  callback: LookupCallback,
): void {
  const literal = ipFamily(hostname);
  if (literal !== 0) {
    callback(null, hostname, literal);
    return;
  }
  const family = typeof options === 'number' ? options : (options.family ?? 0);
  // Loaded by the first name to look up: most datagram programs send to literals only.
  loadBuiltin('node:dns').lookup(
    hostname,
    { family: family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : family },
    callback,
  );
}
