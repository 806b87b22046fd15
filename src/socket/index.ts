/**
 * `polyport/socket`: BSD sockets as in Python's `socket` module (and `ssl` for TLS), on Node's
 * `net`, `dgram`, `tls` and `dns`. Python's names, TypeScript's habits: `connect_ex` is
 * `connectEx`, calls that may wait return Promises.
 *
 * @example
 * import { socket, AF_INET, SOCK_STREAM } from 'polyport/socket';
 * const sock = socket(AF_INET, SOCK_STREAM);
 * await sock.connect(['127.0.0.1', 8888]);
 * await sock.sendall('hello');
 * console.log((await sock.recv(1024)).toString());
 * sock.close();
 *
 * @module
 */
export * from './address.js';
export * from './ancillary.js';
export * from './byte-order.js';
export * from './connections.js';
export * from './constants.js';
export { getdefaulttimeout, setdefaulttimeout } from './default-timeout.js';
export { fromfd } from './descriptors.js';
export * from './errors.js';
export { recvFds, sendFds } from './fd-passing.js';
export * from './inet.js';
export { ifIndextoname, ifNameindex, ifNametoindex } from './interfaces.js';
export type { ReceivedMessageTuple } from './message-io.js';
export * from './native-constants.js';
export * from './netdb.js';
export {
  type HostAddress,
  type NetdbBackend,
  setNetdbBackend,
  systemNetdbBackend,
} from './netdb-backend.js';
export {
  type AcceleratorStatus,
  acceleratorStatus,
  prepareAccelerators,
  setAcceleratorWarningSink,
  TESTED_NODE_MAJORS,
} from './node/accelerators.js';
export { DescriptorReadiness } from './node/descriptor-readiness.js';
export { CLIENT_READ_SIZE, releaseReceived } from './node/read-slab.js';
export * from './readiness.js';
export * from './self-signed.js';
export {
  getprotobyname,
  getservbyname,
  getservbyport,
  type ProtocolEntry,
  ServiceDatabase,
  type ServiceEntry,
  servicesTable,
} from './services.js';
export { type BytesLike, Socket } from './socket.js';
export type { SendOptions } from './socket-io.js';
export * from './tls.js';
