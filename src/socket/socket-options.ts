import {
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  SO_BROADCAST,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_RCVBUF,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SO_SNDBUF,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_NODELAY,
} from './constants.js';
import type { DatagramEngine } from './datagram-engine.js';

/** The map key of an option. */
export function optKey(level: number, optname: number): string {
  return `${level}:${optname}`;
}

/** The options `setsockopt()`/`getsockopt()` accept. */
export const KNOWN_OPTIONS = new Set(
  [
    [SOL_SOCKET, SO_REUSEADDR],
    [SOL_SOCKET, SO_REUSEPORT],
    [SOL_SOCKET, SO_KEEPALIVE],
    [SOL_SOCKET, SO_BROADCAST],
    [SOL_SOCKET, SO_RCVBUF],
    [SOL_SOCKET, SO_SNDBUF],
    [SOL_SOCKET, SO_LINGER],
    [IPPROTO_TCP, TCP_NODELAY],
    [IPPROTO_IPV6, IPV6_V6ONLY],
    [IPPROTO_IP, IP_TTL],
    [IPPROTO_IP, IP_MULTICAST_TTL],
    [IPPROTO_IP, IP_MULTICAST_LOOP],
    [IPPROTO_IP, IP_MULTICAST_IF],
    [IPPROTO_IP, IP_ADD_MEMBERSHIP],
    [IPPROTO_IP, IP_DROP_MEMBERSHIP],
  ].map(([level, opt]) => optKey(level as number, opt as number)),
);

/** What an option reads as before it is set, as Linux reports it. */
export function defaultOption(key: string, type: number): number | Buffer {
  // struct linger { int l_onoff; int l_linger; }: off.
  if (key === optKey(SOL_SOCKET, SO_LINGER)) return Buffer.alloc(8);
  if (key === optKey(IPPROTO_IP, IP_MULTICAST_TTL)) return 1;
  if (key === optKey(IPPROTO_IP, IP_MULTICAST_LOOP)) return 1;
  if (key === optKey(IPPROTO_IP, IP_TTL)) return 64;
  // Node sets SO_REUSEADDR on every TCP listener, as most servers do.
  if (key === optKey(SOL_SOCKET, SO_REUSEADDR)) return type === SOCK_STREAM ? 1 : 0;
  return 0;
}

/** Applies one stored option to a bound datagram socket. */
export function applyDatagramOption(
  engine: DatagramEngine,
  key: string,
  value: number | Buffer,
): void {
  const udp = engine.socket;
  const num = typeof value === 'number' ? value : 0;
  switch (key) {
    case optKey(SOL_SOCKET, SO_BROADCAST):
      udp.setBroadcast(Boolean(num));
      break;
    case optKey(SOL_SOCKET, SO_RCVBUF):
      engine.receiveLimit = num;
      udp.setRecvBufferSize(num);
      break;
    case optKey(SOL_SOCKET, SO_SNDBUF):
      udp.setSendBufferSize(num);
      break;
    case optKey(IPPROTO_IP, IP_TTL):
      udp.setTTL(num);
      break;
    case optKey(IPPROTO_IP, IP_MULTICAST_TTL):
      udp.setMulticastTTL(num);
      break;
    case optKey(IPPROTO_IP, IP_MULTICAST_LOOP):
      udp.setMulticastLoopback(Boolean(num));
      break;
    case optKey(IPPROTO_IP, IP_MULTICAST_IF):
      udp.setMulticastInterface(
        typeof value === 'number' ? ipv4FromNumber(value) : ipv4FromBytes(value, 0),
      );
      break;
    case optKey(IPPROTO_IP, IP_ADD_MEMBERSHIP):
    case optKey(IPPROTO_IP, IP_DROP_MEMBERSHIP): {
      if (!Buffer.isBuffer(value) || value.length < 8) {
        throw new TypeError(
          'IP_ADD_MEMBERSHIP needs an 8-byte mreq: inetAton(group) + inetAton(interface)',
        );
      }
      const group = ipv4FromBytes(value, 0);
      const iface = ipv4FromBytes(value, 4);
      const ifaceArg = iface === '0.0.0.0' ? undefined : iface;
      if (key === optKey(IPPROTO_IP, IP_ADD_MEMBERSHIP)) udp.addMembership(group, ifaceArg);
      else udp.dropMembership(group, ifaceArg);
      break;
    }
    default:
      break;
  }
}

function ipv4FromBytes(bytes: Buffer, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

function ipv4FromNumber(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
