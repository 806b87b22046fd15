/**
 * The constants of Python's `socket` module, with Linux's numeric values (the values Python
 * shows on Linux), so code ported from Python or C can keep its names and numbers.
 */
import { networkInterfaces } from 'node:os';

/** Address families. */
export const AF_UNSPEC = 0;
/** Local (AF_UNIX) stream sockets: an address is a path. */
export const AF_UNIX = 1;
/** IPv4: an address is `[host, port]`. */
export const AF_INET = 2;
/** IPv6: an address is `[host, port, flowinfo, scopeId]`. */
export const AF_INET6 = 10;

/** Socket types. */
export const SOCK_STREAM = 1;
/** Datagrams (UDP). */
export const SOCK_DGRAM = 2;
/** Raw IP; Node cannot open these, so `socket()` refuses it with a clear error. */
export const SOCK_RAW = 3;

/** Protocol numbers (`/etc/protocols`). */
export const IPPROTO_IP = 0;
/** ICMP. */
export const IPPROTO_ICMP = 1;
/** TCP (also the level of TCP options). */
export const IPPROTO_TCP = 6;
/** UDP. */
export const IPPROTO_UDP = 17;
/** The IPv6 level, for `setsockopt`. */
export const IPPROTO_IPV6 = 41;

/** Option levels and socket-level options. */
export const SOL_SOCKET = 1;
/** Read-only: the socket type. */
export const SO_TYPE = 3;
/** Read-only: the pending error number, cleared on read. */
export const SO_ERROR = 4;
/** Reuse a local address at once after a restart. */
export const SO_REUSEADDR = 2;
/** Send TCP keep-alive probes. */
export const SO_KEEPALIVE = 9;
/** Allow sending to broadcast addresses (UDP). */
export const SO_BROADCAST = 6;
/** Send buffer size: how much `send()` queues before it would block. */
export const SO_SNDBUF = 7;
/** Receive buffer size: how much is held before reading pauses. */
export const SO_RCVBUF = 8;
/** Let several sockets bind one port (Node 22.12+). */
export const SO_REUSEPORT = 15;
/** Linger on close; on with a zero timeout resets the connection. */
export const SO_LINGER = 13;

/** TCP-level options. */
export const TCP_NODELAY = 1;
/** Seconds of idleness before keep-alive probes. */
export const TCP_KEEPIDLE = 4;

/** IP-level multicast options. */
export const IP_TTL = 2;
/** The interface for outgoing IPv4 multicast. */
export const IP_MULTICAST_IF = 32;
/** The TTL of outgoing IPv4 multicast. */
export const IP_MULTICAST_TTL = 33;
/** Loop outgoing multicast back to this host. */
export const IP_MULTICAST_LOOP = 34;
/** Join an IPv4 multicast group (an 8-byte mreq). */
export const IP_ADD_MEMBERSHIP = 35;
/** Leave an IPv4 multicast group. */
export const IP_DROP_MEMBERSHIP = 36;

/** IPv6-level options. */
export const IPV6_MULTICAST_IF = 17;
/** The hop limit of outgoing IPv6 multicast. */
export const IPV6_MULTICAST_HOPS = 18;
/** Loop outgoing IPv6 multicast back to this host. */
export const IPV6_MULTICAST_LOOP = 19;
/** Join an IPv6 multicast group. */
export const IPV6_JOIN_GROUP = 20;
/** Leave an IPv6 multicast group. */
export const IPV6_LEAVE_GROUP = 21;
/** An IPv6 socket refuses IPv4-mapped peers. */
export const IPV6_V6ONLY = 26;

/** `shutdown()` directions. */
export const SHUT_RD = 0;
/** `shutdown()`: no more sending (the peer reads end of stream). */
export const SHUT_WR = 1;
/** `shutdown()`: both directions. */
export const SHUT_RDWR = 2;

/** `recv()` flags that polyport honours. */
export const MSG_PEEK = 0x2;
/** `recv()` flag: do not wait, whatever the timeout. */
export const MSG_DONTWAIT = 0x40;
/** `recv()` flag: wait for the full count (or end of stream). */
export const MSG_WAITALL = 0x100;
/**
 * `send()` flag, Linux's value, as Python's `socket.MSG_ZEROCOPY`.
 * @deprecated polyport took it to mean "the buffer is handed over, uncopied"; that is now the
 * `{ owned: true }` option of `send()`, `sendall()` and `sendNowait()` (`SendOptions`),
 * and the flag is kept working as an alias of it.
 */
export const MSG_ZEROCOPY = 0x4000000;

/** The largest backlog `listen()` passes on. */
export const SOMAXCONN = 4096;

/** `getaddrinfo()` flags. */
export const AI_PASSIVE = 0x1;
/** getaddrinfo: report the canonical name. */
export const AI_CANONNAME = 0x2;
/** getaddrinfo: the host must be a numeric address. */
export const AI_NUMERICHOST = 0x4;
/** getaddrinfo: map IPv4 results into IPv6. */
export const AI_V4MAPPED = 0x8;
/** getaddrinfo: with AI_V4MAPPED, IPv6 and mapped IPv4 results. */
export const AI_ALL = 0x10;
/** getaddrinfo: only families the machine has an address of. */
export const AI_ADDRCONFIG = 0x20;
/** getaddrinfo: the port must be numeric. */
export const AI_NUMERICSERV = 0x400;

/** `getnameinfo()` flags. */
export const NI_NUMERICHOST = 0x1;
/** getnameinfo: the port as a number. */
export const NI_NUMERICSERV = 0x2;
/** getnameinfo: the short host name for local hosts. */
export const NI_NOFQDN = 0x4;
/** getnameinfo: fail when the address has no name. */
export const NI_NAMEREQD = 0x8;
/** getnameinfo: the UDP service name. */
export const NI_DGRAM = 0x10;

/** `getaddrinfo()` error numbers (glibc's), carried by `AddressInfoError.errno`. */
export const EAI_BADFLAGS = -1;
/** gaierror: name or service not known. */
export const EAI_NONAME = -2;
/** gaierror: temporary failure in name resolution. */
export const EAI_AGAIN = -3;
/** gaierror: non-recoverable failure in name resolution. */
export const EAI_FAIL = -4;
/** gaierror: no address for the name. */
export const EAI_NODATA = -5;
/** gaierror: address family not supported. */
export const EAI_FAMILY = -6;
/** gaierror: socket type not supported. */
export const EAI_SOCKTYPE = -7;
/** gaierror: service not supported for the socket type. */
export const EAI_SERVICE = -8;
/** gaierror: no address in the requested family. */
export const EAI_ADDRFAMILY = -9;
/** gaierror: out of memory. */
export const EAI_MEMORY = -10;
/** gaierror: system error. */
export const EAI_SYSTEM = -11;

/**
 * Whether this machine has an IPv6 address configured (at least `::1`), read when this module
 * loads: an ES module's export is a value, never a getter, so it cannot wait for its first
 * reader without becoming a function.
 */
// Marked pure so that a bundle which never reads it (the `polyport` executable) drops the call:
// listing the interfaces is a netlink round trip (more on a host with many interfaces) that a
// one-query `polyport dig` has no use for.
export const has_ipv6: boolean = /* @__PURE__ */ anyIpv6Interface();

function anyIpv6Interface(): boolean {
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((iface) => iface.family === 'IPv6'),
  );
}

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
