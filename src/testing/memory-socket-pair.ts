/**
 * Two in-memory sockets joined as the ends of one stream connection.
 */
import { MemorySocket, type MemorySocketOptions } from './memory-socket.js';

/**
 * Two connected in-memory sockets: what one sends, the other receives.
 * @param options applied to both ends (addresses: each end's local one comes from its own).
 * @returns `[a, b]`.
 * @example
 * const [client, server] = memorySocketPair({ sendBufferSize: 1024 });
 * client.sendNowait('ping');
 * server.recvNowait(10); // <Buffer 'ping'>
 */
export function memorySocketPair(options: MemorySocketOptions = {}): [MemorySocket, MemorySocket] {
  const { localAddress, peerAddress, ...shared } = options;
  const a = new MemorySocket({ ...shared, ...(localAddress ? { localAddress } : {}) });
  const b = new MemorySocket({ ...shared, ...(peerAddress ? { localAddress: peerAddress } : {}) });
  MemorySocket.link(a, b);
  return [a, b];
}
