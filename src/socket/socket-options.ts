/**
 * Socket options: which `(level, name)` pairs polyport knows, what they read as before they are
 * set, and how they reach Node's sockets (Node has no generic `setsockopt`, so each option maps
 * to the call that does its job).
 */
import {
  AF_INET6,
  AF_UNIX,
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
import { DatagramEngine } from './datagram-engine.js';
import type { SocketErrorContext } from './errors.js';
import { literalLookup } from './literal-lookup.js';
import { loadBuiltin } from './load-builtin.js';
import { reusePortPath } from './reuse-port.js';
import type { StreamEngine } from './stream-engine.js';

/**
 * The keys made so far, by level and option number: one string per option for every socket
 * that stores it (a server sets `TCP_NODELAY` on each of thousands of connections), not a copy
 * each. Bounded, since a program may try any numbers.
 */
const keys = new Map<number, string>();
const MAX_KEYS = 1024;

/**
 * The map key of an option.
 * @example optKey(IPPROTO_TCP, TCP_NODELAY); // '6:1'
 */
export function optKey(level: number, optname: number): string {
  const small = level >= 0 && level < 0x10000 && optname >= 0 && optname < 0x10000;
  const id = level * 0x10000 + optname;
  const known = small ? keys.get(id) : undefined;
  if (known !== undefined) return known;
  const key = `${level}:${optname}`;
  if (small && Number.isInteger(id) && keys.size < MAX_KEYS) keys.set(id, key);
  return key;
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

/** The options a socket holds, by {@link optKey} (a `ReadonlyMap` is one). */
export interface OptionValues extends Iterable<[string, number | Buffer]> {
  get(key: string): number | Buffer | undefined;
}

/**
 * Makes the datagram engine of an AF_INET/AF_INET6 `SOCK_DGRAM` socket with the options that
 * must be known at creation (`SO_REUSEADDR`, `SO_REUSEPORT`, `IPV6_V6ONLY`, `SO_RCVBUF`).
 * `SO_REUSEPORT` goes to Node here only where Node has the option; elsewhere the bind adopts a
 * descriptor the native addon made (see reuse-port.ts).
 */
export function createDatagramEngine(
  family: number,
  options: OptionValues,
  notify: () => void,
  context: () => SocketErrorContext,
): DatagramEngine {
  const reusePort =
    Boolean(options.get(optKey(SOL_SOCKET, SO_REUSEPORT))) && reusePortPath() === 'public';
  // Loaded here, by the first datagram socket: a TCP client never needs node:dgram.
  const udp = loadBuiltin('node:dgram').createSocket({
    type: family === AF_INET6 ? 'udp6' : 'udp4',
    reuseAddr: Boolean(options.get(optKey(SOL_SOCKET, SO_REUSEADDR))),
    ipv6Only: Boolean(options.get(optKey(IPPROTO_IPV6, IPV6_V6ONLY))),
    // IP literals are answered at once, so a datagram goes out inside sendto() itself.
    lookup: literalLookup,
    // Node 22.12+ (its types here are Node 20's, which lack the option).
    ...(reusePort ? { reusePort: true } : {}),
  });
  const engine = new DatagramEngine(udp, family, notify, context);
  const rcv = options.get(optKey(SOL_SOCKET, SO_RCVBUF));
  if (typeof rcv === 'number') engine.receiveLimit = rcv;
  return engine;
}

/** Applies the stored options to a connected stream (after connect, accept, or a change). */
export function applyStreamOptions(
  options: OptionValues,
  engine: StreamEngine,
  family: number,
): void {
  const nodelay = options.get(optKey(IPPROTO_TCP, TCP_NODELAY));
  if (nodelay !== undefined && family !== AF_UNIX) engine.stream.setNoDelay(Boolean(nodelay));
  const keepalive = options.get(optKey(SOL_SOCKET, SO_KEEPALIVE));
  if (keepalive !== undefined) engine.stream.setKeepAlive(Boolean(keepalive));
  const rcv = options.get(optKey(SOL_SOCKET, SO_RCVBUF));
  if (typeof rcv === 'number') {
    engine.receiveLimit = rcv;
    engine.consumed();
  }
  const snd = options.get(optKey(SOL_SOCKET, SO_SNDBUF));
  if (typeof snd === 'number') engine.sendLimit = snd;
}

/**
 * Applies the stored options (or only the one keyed `only`) to a bound datagram socket.
 * @throws what Node throws for a value it refuses; the caller gives it context.
 */
export function applyDatagramOptions(
  options: OptionValues,
  engine: DatagramEngine,
  only?: string,
): void {
  for (const [key, value] of options) {
    if (only === undefined || key === only) applyDatagramOption(engine, key, value);
  }
}

/**
 * `SO_LINGER` on with a positive timeout: how long (ms) `close()` lets queued output go
 * without progress before it gives up and drops the connection, as BSD's close() gives up after
 * `l_linger` seconds; null when lingering is off or zero.
 */
export function lingerMillis(options: OptionValues): number | null {
  const linger = options.get(optKey(SOL_SOCKET, SO_LINGER));
  if (!Buffer.isBuffer(linger) || linger.length < 8 || linger.readInt32LE(0) === 0) return null;
  const seconds = linger.readInt32LE(4);
  return seconds > 0 ? seconds * 1000 : null;
}

/** `SO_LINGER` on with a zero timeout: `close()` then resets instead of sending FIN. */
export function isLingerZero(options: OptionValues): boolean {
  const linger = options.get(optKey(SOL_SOCKET, SO_LINGER));
  return (
    Buffer.isBuffer(linger) &&
    linger.length >= 8 &&
    linger.readInt32LE(0) !== 0 &&
    linger.readInt32LE(4) === 0
  );
}
