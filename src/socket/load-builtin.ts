/**
 * `loadBuiltin`: a Node built-in that only some sockets need, loaded at its first use rather
 * than when the socket layer loads.
 *
 * Why: an `import` of a built-in loads it with the importing module, and every client loads the
 * whole socket layer. A TCP client (`polyport ftp put`, `polyport http -o`) would otherwise load
 * `node:dgram` (UDP), `node:dns` (names), `node:tls` and `node:crypto` on every start, and a
 * UDP client (`polyport dig`) `node:net` and its streams: some milliseconds never used. An ES `import()` is lazy but asynchronous, and `socket(AF_INET,
 * SOCK_DGRAM).sendto()` makes its `node:dgram` socket synchronously, hence CommonJS's `require`.
 */
import type * as Crypto from 'node:crypto';
import type * as Dgram from 'node:dgram';
import type * as Dns from 'node:dns';
import type * as DnsPromises from 'node:dns/promises';
import { createRequire } from 'node:module';
import type * as Net from 'node:net';
import type * as Tls from 'node:tls';

/** The built-ins the socket layer loads at first use, by name. */
export interface LazyBuiltins {
  'node:crypto': typeof Crypto;
  'node:dgram': typeof Dgram;
  'node:dns': typeof Dns;
  'node:dns/promises': typeof DnsPromises;
  'node:net': typeof Net;
  'node:tls': typeof Tls;
}

/** Loads built-ins synchronously, from any module (the bundled executable's chunks included). */
const require = createRequire(import.meta.url);

/**
 * The built-in `id`, loaded now if this process had not loaded it yet (Node keeps it loaded, so
 * a second call costs a look-up).
 * @param id the built-in's name, with its `node:` prefix.
 * @returns the module's exports, as `import * as m from id` gives them.
 * @example const { createSocket } = loadBuiltin('node:dgram');
 */
export function loadBuiltin<ID extends keyof LazyBuiltins>(id: ID): LazyBuiltins[ID] {
  return require(id) as LazyBuiltins[ID];
}
