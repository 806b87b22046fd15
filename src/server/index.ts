/**
 * The connection kit every polyport server is built on, between the dispatch loop and the
 * protocols: the `Connection` that drives a protocol's sans-I/O session over a `Transport`
 * (`ChannelTransport` on the loop), the TCP listener with its connection limits and TLS handshakes, the server channel
 * with its phase timeouts (idle, read, write, handshake) and byte counts, the UDP server with
 * rate limiting, the limits themselves, the observer the host listens through, an injectable
 * clock, and the login throttle.
 *
 * @module
 */

export * from './address-group.js';
export * from './channel-transport.js';
export * from './clock.js';
export * from './command-faults.js';
export * from './connection.js';
export * from './datagram-server.js';
export * from './fault-hook.js';
export * from './guarded-clock.js';
export * from './limits.js';
export * from './listen-for-connections.js';
export * from './login-throttle.js';
export * from './proxy-datagram-reader.js';
export * from './proxy-header.js';
export * from './proxy-header-phase.js';
export * from './rate-limiter.js';
export * from './server-channel.js';
export * from './server-handshake.js';
export * from './server-observer.js';
export * from './server-session.js';
export * from './tcp-listener.js';
export * from './transport.js';
