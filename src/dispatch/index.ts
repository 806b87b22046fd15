/**
 * `polyport/dispatch`: asyncore and asynchat for Node — `Dispatcher`, `loop()`, `AsyncChat` and
 * producers. Readiness comes from Node's own I/O events, so an idle server uses no CPU.
 *
 * @example
 * import { AsyncChat, Dispatcher, loop } from 'polyport/dispatch';
 *
 * @module
 */
export * from './async-chat.js';
export type { ChannelSocket } from './channel-socket.js';
export * from './dispatcher.js';
export * from './dispatcher-with-send.js';
export { DISCONNECTED, readwrite } from './driver.js';
export * from './exit-now.js';
export * from './file-producer.js';
export * from './find-prefix.js';
export * from './loop.js';
export * from './producer.js';
export * from './socket-map.js';
