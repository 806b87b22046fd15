/**
 * `polyport/testing`: fakes for tests. In-memory sockets that a dispatcher accepts as its own
 * (with a bounded send buffer, peer close and reset injection, and capture of what was sent),
 * Twisted's `StringTransport`, a manual clock for code that takes an injected one, and real
 * connected loopback pairs, and fault proxies (TCP and UDP) that break real connections on purpose.
 * For sans-I/O codecs and sessions: `chunkings()`, every way to cut an input a codec must take.
 * For an application's own tests: `fixture()`, polyport's real servers on free loopback ports,
 * with their events and the mail they caught.
 *
 * @example
 * import { memorySocketPair, ManualClock, StringTransport } from 'polyport/testing';
 * const transport = new StringTransport();
 * transport.feed('QUIT\r\n');
 *
 * @module
 */
export type { CaughtMessage } from './caught-message.js';
export * from './chunkings.js';
export * from './connected-pair.js';
export * from './fault-plan.js';
export * from './fault-proxy.js';
export * from './fault-proxy-datagram.js';
// Loads the host only when fixture() is called, so the fakes stay light.
export * from './fixture.js';
export * from './manual-clock.js';
export * from './memory-listener.js';
export * from './memory-socket.js';
export * from './memory-socket-pair.js';
export * from './pump.js';
export * from './string-transport.js';
