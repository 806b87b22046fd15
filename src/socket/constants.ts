/**
 * The constants of Python's `socket` module, with Linux's numeric values (the values Python
 * shows on Linux), so code ported from Python or C can keep its names and numbers.
 */
import { networkInterfaces } from 'node:os';

/** Address families. */
export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** Socket types. */
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;

/** Protocol numbers (`/etc/protocols`). */
export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;

/** Option levels and socket-level options. */
export const SOL_SOCKET = 1;
export const SO_TYPE = 3;
export const SO_ERROR = 4;
export const SO_REUSEADDR = 2;
export const SO_KEEPALIVE = 9;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_REUSEPORT = 15;
export const SO_LINGER = 13;

/** TCP-level options. */
export const TCP_NODELAY = 1;
export const TCP_KEEPIDLE = 4;

/** IP-level multicast options. */
export const IP_TTL = 2;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;

/** IPv6-level options. */
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
export const IPV6_LEAVE_GROUP = 21;
export const IPV6_V6ONLY = 26;

/** `shutdown()` directions. */
export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;

/** `recv()` flags that polyport honours. */
export const MSG_PEEK = 0x2;
export const MSG_DONTWAIT = 0x40;
export const MSG_WAITALL = 0x100;

/** The largest backlog `listen()` passes on. */
export const SOMAXCONN = 4096;

/** `getaddrinfo()` flags. */
export const AI_PASSIVE = 0x1;
export const AI_CANONNAME = 0x2;
export const AI_NUMERICHOST = 0x4;
export const AI_V4MAPPED = 0x8;
export const AI_ALL = 0x10;
export const AI_ADDRCONFIG = 0x20;
export const AI_NUMERICSERV = 0x400;

/** `getnameinfo()` flags. */
export const NI_NUMERICHOST = 0x1;
export const NI_NUMERICSERV = 0x2;
export const NI_NOFQDN = 0x4;
export const NI_NAMEREQD = 0x8;
export const NI_DGRAM = 0x10;

/** `getaddrinfo()` error numbers (glibc's), carried by `AddressInfoError.errno`. */
export const EAI_BADFLAGS = -1;
export const EAI_NONAME = -2;
export const EAI_AGAIN = -3;
export const EAI_FAIL = -4;
export const EAI_NODATA = -5;
export const EAI_FAMILY = -6;
export const EAI_SOCKTYPE = -7;
export const EAI_SERVICE = -8;
export const EAI_ADDRFAMILY = -9;
export const EAI_MEMORY = -10;
export const EAI_SYSTEM = -11;

/** Whether this machine has an IPv6 address configured (at least `::1`). */
export const has_ipv6: boolean = Object.values(networkInterfaces()).some((list) =>
  (list ?? []).some((iface) => iface.family === 'IPv6'),
);

/** Names of the address families, for messages. */
export function familyName(family: number): string {
  return family === AF_INET
    ? 'AF_INET'
    : family === AF_INET6
      ? 'AF_INET6'
      : family === AF_UNIX
        ? 'AF_UNIX'
        : `family ${family}`;
}
