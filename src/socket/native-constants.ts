/**
 * The constants of the socket kinds and calls the native descriptor sockets carry (AF_UNIX
 * datagram and seqpacket, raw and ICMP sockets, `sendmsg`/`recvmsg` with ancillary data), with
 * Linux's values, as Python's `socket` module shows them on Linux.
 */

/** Reliable, connected datagrams with boundaries kept (AF_UNIX). */
export const SOCK_SEQPACKET = 5;

/** ICMP for IPv6: raw sockets and the unprivileged ICMPv6 datagram socket. */
export const IPPROTO_ICMPV6 = 58;
/** Raw IP: the caller writes the IP header (implies `IP_HDRINCL`). */
export const IPPROTO_RAW = 255;
/** The IPv4 option level (`IPPROTO_IP` under Linux's other name). */
export const SOL_IP = 0;

/** `IPPROTO_IP` option: the caller's data starts with the IP header. */
export const IP_HDRINCL = 3;
/** `IPPROTO_IP` option: receive `IP_PKTINFO` (which local address a datagram came to). */
export const IP_PKTINFO = 8;
/** `IPPROTO_IP` option: queue ICMP errors on the socket, read with `MSG_ERRQUEUE`. */
export const IP_RECVERR = 11;
/** `IPPROTO_IP` option: receive each datagram's TTL as `IP_TTL` ancillary data. */
export const IP_RECVTTL = 12;
/** `IPPROTO_IPV6` option: receive `IPV6_PKTINFO`. */
export const IPV6_RECVPKTINFO = 49;
/** `IPPROTO_IPV6` option: receive each datagram's hop limit as `IPV6_HOPLIMIT` ancillary data. */
export const IPV6_RECVHOPLIMIT = 51;
/** `IPPROTO_IPV6` ancillary type: a datagram's hop limit. */
export const IPV6_HOPLIMIT = 52;
/** `IPPROTO_IPV6` option: queue ICMPv6 errors on the socket, read with `MSG_ERRQUEUE`. */
export const IPV6_RECVERR = 25;
/** `IPPROTO_IPV6` ancillary type: destination address and interface of a datagram. */
export const IPV6_PKTINFO = 50;
/** `IPPROTO_IPV6` option: which checksum offset the kernel fills in on a raw socket. */
export const IPV6_CHECKSUM = 7;

/** `SOL_SOCKET` ancillary type: descriptors passed with a message (AF_UNIX). */
export const SCM_RIGHTS = 1;
/** `SOL_SOCKET` ancillary type: the sender's pid, uid and gid (AF_UNIX, with `SO_PASSCRED`). */
export const SCM_CREDENTIALS = 2;
/** `SOL_SOCKET` option: receive `SCM_CREDENTIALS` with each message. */
export const SO_PASSCRED = 16;
/** `SOL_SOCKET` option, read-only: the peer's pid, uid and gid (AF_UNIX), 12 bytes. */
export const SO_PEERCRED = 17;

/** `recvmsg()` result flag: the datagram was longer than the buffer (the rest is lost). */
export const MSG_TRUNC = 0x20;
/** `recvmsg()` result flag: the ancillary data did not fit in `ancbufsize`. */
export const MSG_CTRUNC = 0x8;
/** `recvmsg()` flag: read the socket's error queue (`IP_RECVERR`). */
export const MSG_ERRQUEUE = 0x2000;
/** Flag: end of record (SOCK_SEQPACKET). */
export const MSG_EOR = 0x80;

/** `SOL_SOCKET` option, read-only: 1 on a listening socket. */
export const SO_ACCEPTCONN = 30;
/** `SOL_SOCKET` option, read-only: the socket's protocol. */
export const SO_PROTOCOL = 38;
/** `SOL_SOCKET` option, read-only: the socket's family. */
export const SO_DOMAIN = 39;
/** `SOL_SOCKET` option: the socket's priority (0 to 6 without `CAP_NET_ADMIN`). */
export const SO_PRIORITY = 12;
/** `SOL_SOCKET` option: bind the socket to one interface, by name (bytes). */
export const SO_BINDTODEVICE = 25;
/** `IPPROTO_TCP` option: the maximum segment size. */
export const TCP_MAXSEG = 2;
/** `IPPROTO_TCP` option: the congestion control algorithm, by name (bytes). */
export const TCP_CONGESTION = 13;
