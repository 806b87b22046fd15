/**
 * `polyport/select`: readiness over polyport sockets, as Python's `select` and `selectors`
 * modules: `select()`, `poll()`, and selectors with one interface. Nothing here polls: waiting
 * is driven by the sockets' own readiness events, so an idle wait costs no CPU.
 *
 * @example
 * import { DefaultSelector, EVENT_READ } from 'polyport/select';
 * const sel = new DefaultSelector();
 * sel.register(server, EVENT_READ);
 * const ready = await sel.select(1.0);
 *
 * @module
 */
export * from './base-selector.js';
export * from './poll.js';
export * from './select.js';
export type { Selectable } from './selectable.js';
export * from './selectors.js';
