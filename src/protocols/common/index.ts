/**
 * Pieces every protocol server shares: the line splitter for codecs, and the server plumbing —
 * listener with connection limits, server channel with timeouts and byte counts, UDP server
 * with rate limiting, the observer the host listens through, and an injectable clock.
 *
 * @module
 */

export * from './address-group.js';
export * from './cli-command.js';
export * from './client-tls.js';
export * from './clock.js';
export * from './datagram-server.js';
export * from './guarded-clock.js';
export * from './limits.js';
export * from './line-splitter.js';
export * from './login-throttle.js';
export * from './password.js';
export * from './progress-bar.js';
export * from './rate-limiter.js';
export * from './server-channel.js';
export * from './server-handshake.js';
export * from './server-observer.js';
export * from './suggest.js';
export * from './tcp-listener.js';
