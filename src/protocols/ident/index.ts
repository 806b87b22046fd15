/**
 * ident (RFC 1413): which user owns a TCP connection — the server (answering from the kernel's
 * connection tables, as oidentd does), its sans-I/O session and codecs, the client, and
 * `polyport ident`. It is also the worked example of a protocol built on the server kit: one
 * folder, `codec/` (pure), `server/` (the service), `client/`, `cli.ts`.
 *
 * @module
 */
export { identCommand } from './cli.js';
export { type IdentClientOptions, ident } from './client/ident-client.js';
export { type IdentQuery, parseIdentQuery } from './codec/ident-query.js';
export { formatIdentReply, type IdentAnswer, type IdentError } from './codec/ident-reply.js';
export { IdentSession, MAX_QUERY_LINE } from './codec/ident-session.js';
export {
  type IdentService,
  type IdentServiceOptions,
  type OwnerLookup,
  startIdentService,
} from './server/ident-server.js';
export {
  addressBytes,
  connectionOwner,
  parseTcpTable,
  type TcpTableEntry,
} from './server/proc-net-tcp.js';
export { userName, userNameIn } from './server/user-names.js';
