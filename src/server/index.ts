/**
 * The connection kit every polyport server is built on, between the dispatch loop and the
 * protocols: the TCP listener with its connection limits and TLS handshakes, the server channel
 * with its phase timeouts (idle, read, write, handshake) and byte counts, the UDP server with
 * rate limiting, the limits themselves, the observer the host listens through, an injectable
 * clock, and the login throttle.
 *
 * @module
 */

export * from './address-group.js';
export * from './clock.js';
export * from './datagram-server.js';
export * from './guarded-clock.js';
export * from './limits.js';
export * from './login-throttle.js';
export * from './rate-limiter.js';
export * from './server-channel.js';
export * from './server-handshake.js';
export * from './server-observer.js';
export * from './tcp-listener.js';
