/**
 * `portOffset`: how far `polyport serve` moves every service from its well-known port by
 * default, so that it runs without privileges (HTTP on 10080, DNS on 10053). The config schema
 * and the client commands, which find the local server without a config, both read it here.
 */

/** `portOffset`'s default: a service listens on its well-known port plus this. */
export const DEFAULT_PORT_OFFSET = 10000;

/** The largest `portOffset` the config takes: every service's port stays below 65536. */
export const MAX_PORT_OFFSET = 65000;
