/**
 * Pieces protocol code shares that are not the server kit (`src/server/`): the line splitter
 * for codecs, the client side's TLS options and progress bar, the CLI command plumbing and
 * password hashing.
 *
 * @module
 */

export * from './cli-command.js';
export * from './client-tls.js';
export * from './command-stop.js';
export * from './line-splitter.js';
export * from './password.js';
export * from './port-offset.js';
export * from './progress-bar.js';
export * from './suggest.js';
