/**
 * Host names and addresses, as Python's `socket.gethostname()`, `gethostbyname()`,
 * `gethostbyname_ex()`, `gethostbyaddr()`, `getaddrinfo()`, `getnameinfo()` and `getfqdn()` on
 * Linux. The system's resolver (Node's `dns.lookup()` and `dns.lookupService()`, which call
 * getaddrinfo(3) and getnameinfo(3)) does the name work; numeric hosts, services, socket types,
 * flags and errors are handled here the way glibc handles them, so results match Python's.
 */
import type { Inet4Address, Inet6Address } from './address.js';
import * as C from './constants.js';
import { SocketError } from './errors.js';
import {
  fromResolverError,
  gaiError,
  type HostAddress,
  hostErrorFrom,
  hostsLineByName,
  type NumericHost,
  netdbBackend,
  parseNumericHost,
  reverseName,
} from './netdb-backend.js';
import { getservbyname, getservbyport } from './services.js';

/** `[family, type, proto, canonname, sockaddr]`, one result of {@link getaddrinfo}. */
export type AddressInfo = readonly [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: Inet4Address | Inet6Address,
];

/** `[hostname, aliases, addresses]`, as Python's `gethostbyname_ex()` and `gethostbyaddr()`. */
export type HostEntry = [hostname: string, aliases: string[], addresses: string[]];

function checkInt(fn: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${fn}() expects an integer ${what}, got ${typeof value}`);
  }
  return value;
}

function checkHost(fn: string, host: unknown): string {
  if (typeof host !== 'string')
    throw new TypeError(`${fn}() expects a host string, got ${typeof host}`);
  return host;
}

const WILDCARD = { v4: '0.0.0.0', v6: '::', loop4: '127.0.0.1', loop6: '::1' } as const;

/** The addresses of a host, and its canonical name, as getaddrinfo(3) finds them. */
async function resolveHost(
  host: string | null,
  family: number,
  flags: number,
  op: string,
): Promise<{ addresses: NumericHost[]; canonname: string }> {
  const v4 = (h: string): NumericHost => ({ family: C.AF_INET, host: h, scopeId: 0 });
  const v6 = (h: string): NumericHost => ({ family: C.AF_INET6, host: h, scopeId: 0 });
  if (host === null) {
    // glibc's order after its RFC 6724 sort: IPv4 first for the wildcard, IPv6 for loopback.
    const passive = (flags & C.AI_PASSIVE) !== 0;
    const both = passive
      ? [v4(WILDCARD.v4), v6(WILDCARD.v6)]
      : [v6(WILDCARD.loop6), v4(WILDCARD.loop4)];
    return {
      addresses: both.filter((a) => family === C.AF_UNSPEC || a.family === family),
      canonname: '',
    };
  }
  const canon = (flags & C.AI_CANONNAME) === 0 ? '' : host;
  const numeric = parseNumericHost(host);
  if (numeric === 'bad-scope') throw gaiError('EAI_NONAME', op, host);
  if (numeric !== null) {
    if (family === C.AF_UNSPEC || family === numeric.family) {
      return { addresses: [numeric], canonname: canon };
    }
    if (numeric.family === C.AF_INET && (flags & C.AI_V4MAPPED) !== 0) {
      return { addresses: [v6(`::ffff:${numeric.host}`)], canonname: canon };
    }
    throw gaiError('EAI_ADDRFAMILY', op, host);
  }
  if (host === '' || (flags & C.AI_NUMERICHOST) !== 0) throw gaiError('EAI_NONAME', op, host);
  const hints = flags & (C.AI_ADDRCONFIG | C.AI_V4MAPPED | C.AI_ALL);
  const nodeFamily = family === C.AF_INET ? 4 : family === C.AF_INET6 ? 6 : 0;
  let found: readonly HostAddress[];
  try {
    found = await netdbBackend().lookup(host, nodeFamily, hints);
  } catch (err) {
    throw fromResolverError(err, op, host);
  }
  const addresses: NumericHost[] = [];
  for (const { address } of found) {
    const ip = parseNumericHost(address);
    if (ip !== null && ip !== 'bad-scope') addresses.push(ip);
  }
  if (addresses.length === 0) throw gaiError('EAI_NONAME', op, host);
  // Node's resolver does not report DNS canonical names; the hosts file's official name is the
  // one canonical name we can know.
  const canonname =
    (flags & C.AI_CANONNAME) === 0 ? '' : ((await hostsLineByName(host, family))?.names[0] ?? host);
  return { addresses, canonname };
}

/** glibc's socket-type table: what `type` 0 expands to, and which types take a service. */
const KINDS = [
  { type: C.SOCK_STREAM, proto: C.IPPROTO_TCP, name: 'tcp', raw: false },
  { type: C.SOCK_DGRAM, proto: C.IPPROTO_UDP, name: 'udp', raw: false },
  { type: C.SOCK_RAW, proto: 0, name: 'raw', raw: true },
] as const;

type Kind = readonly [type: number, proto: number, port: number];

/** The `[type, proto, port]` triples a service gives, following glibc's `gaih_inet`. */
function socketKinds(service: string | null, type: number, proto: number, flags: number): Kind[] {
  const op = 'getaddrinfo';
  let port = 0;
  let named = false;
  if (service !== null) {
    // strtoul(3) takes leading space and a plus sign; glibc then calls the rest a name.
    const digits = /^[ \t\n\v\f\r]*\+?(\d+)$/.exec(service)?.[1];
    if (digits !== undefined) {
      port = Number(digits);
      if (port > 0xffff) throw gaiError('EAI_SERVICE', op, service);
    } else if ((flags & C.AI_NUMERICSERV) !== 0) {
      throw gaiError('EAI_NONAME', op, service);
    } else {
      named = true;
    }
  }
  const picked = type !== 0 || proto !== 0;
  const matches = KINDS.filter(
    (k) => (type === 0 || k.type === type) && (proto === 0 || k.proto === proto || k.raw),
  );
  const first = matches[0];
  if (picked && first === undefined) {
    throw gaiError(type !== 0 ? 'EAI_SOCKTYPE' : 'EAI_SERVICE', op);
  }
  if (service !== null && picked && first?.raw) throw gaiError('EAI_SERVICE', op, service);
  if (named) {
    const candidates =
      type !== 0 && first !== undefined
        ? [first]
        : KINDS.filter((k) => !k.raw && (proto === 0 || k.proto === proto));
    const out: Kind[] = [];
    for (const k of candidates) {
      try {
        out.push([k.type, k.proto, getservbyname(service as string, k.name)]);
      } catch {}
    }
    if (out.length === 0) throw gaiError('EAI_SERVICE', op, service as string);
    return out;
  }
  if (picked && first !== undefined) return [[first.type, first.proto || proto, port]];
  return KINDS.map((k) => [k.type, k.proto, port] as const);
}

/** Every flag glibc's getaddrinfo accepts, AI_IDN and friends included. */
const AI_KNOWN = 0x7ff;

/**
 * Translates a host and port into socket addresses, as Python's `socket.getaddrinfo()`. Numeric
 * hosts are parsed here and never reach DNS; names go to the system resolver (`/etc/hosts`,
 * then DNS, as nsswitch.conf says).
 *
 * @param host a name, a numeric address (IPv4 in any inet_aton form, IPv6 with an optional
 *   `%scope`), or `null`: the wildcard with `AI_PASSIVE`, else loopback. `'*'` means `null`.
 * @param port a number, a numeric string, a service name (`'http'`), or `null` (port 0).
 * @param family `AF_UNSPEC` (0, default), `AF_INET` or `AF_INET6`.
 * @param type 0 (default: one result per `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_RAW`, as glibc), or one type.
 * @param proto 0 (default) or a protocol number (`IPPROTO_TCP`).
 * @param flags `AI_*` flags: `AI_PASSIVE`, `AI_CANONNAME`, `AI_NUMERICHOST`, `AI_NUMERICSERV`,
 *   `AI_V4MAPPED`, `AI_ADDRCONFIG`, `AI_ALL`.
 * @returns `[family, type, proto, canonname, sockaddr]` tuples; sockaddr is `[host, port]` for
 *   AF_INET and `[host, port, flowinfo, scopeId]` for AF_INET6; canonname is set on the first
 *   result only, with `AI_CANONNAME` (the hosts file's official name, else the name given:
 *   Node's resolver does not report DNS canonical names).
 * @throws {AddressInfoError} (rejects) `EAI_NONAME`, `EAI_AGAIN`, `EAI_SERVICE`, `EAI_FAMILY`,
 *   `EAI_SOCKTYPE`, `EAI_BADFLAGS`, `EAI_ADDRFAMILY`…, with glibc's `errno` numbers.
 * @throws {TypeError} (rejects) for a host or port of the wrong type or non-integer numbers.
 * @throws {RangeError} (rejects) for a numeric port outside 0-65535.
 * @example
 * await getaddrinfo('localhost', 'http', AF_INET, SOCK_STREAM);
 * // [[2, 1, 6, '', ['127.0.0.1', 80]]]
 */
export async function getaddrinfo(
  host: string | null,
  port: number | string | null,
  family = 0,
  type = 0,
  proto = 0,
  flags = 0,
): Promise<AddressInfo[]> {
  const fn = 'getaddrinfo';
  if (host !== null) checkHost(fn, host);
  for (const [what, v] of [
    ['family', family],
    ['type', type],
    ['proto', proto],
    ['flags', flags],
  ] as const) {
    checkInt(fn, what, v);
  }
  let service: string | null = null;
  if (typeof port === 'number') {
    if (checkInt(fn, 'port', port) < 0 || port > 0xffff) {
      throw new RangeError(`getaddrinfo(): port must be 0-65535, got ${port}`);
    }
    service = String(port);
  } else if (typeof port === 'string') {
    service = port === '' ? null : port;
  } else if (port !== null) {
    throw new TypeError(`getaddrinfo() expects a port number, string or null, got ${typeof port}`);
  }
  const name = host === '*' ? null : host;
  if (name === null && service === null) throw gaiError('EAI_NONAME', fn);
  if ((flags & ~AI_KNOWN) !== 0) throw gaiError('EAI_BADFLAGS', fn);
  if ((flags & C.AI_CANONNAME) !== 0 && name === null) throw gaiError('EAI_BADFLAGS', fn);
  if (family !== C.AF_UNSPEC && family !== C.AF_INET && family !== C.AF_INET6) {
    throw gaiError('EAI_FAMILY', fn);
  }
  const kinds = socketKinds(service, type, proto, flags);
  const { addresses, canonname } = await resolveHost(name, family, flags, fn);
  const out: AddressInfo[] = [];
  for (const ip of addresses) {
    for (const [t, p, portNumber] of kinds) {
      const sockaddr: Inet4Address | Inet6Address =
        ip.family === C.AF_INET ? [ip.host, portNumber] : [ip.host, portNumber, 0, ip.scopeId];
      out.push([ip.family, t, p, out.length === 0 ? canonname : '', sockaddr]);
    }
  }
  return out;
}

/**
 * Returns this machine's host name, as Python's `socket.gethostname()`.
 *
 * @returns the host name (`os.hostname()`).
 * @example
 * gethostname(); // 'vm'
 */
export function gethostname(): string {
  return netdbBackend().hostname();
}

/**
 * Resolves a host name to one IPv4 address, as Python's `socket.gethostbyname()`. `''` is the
 * wildcard `0.0.0.0` and `'<broadcast>'` is `255.255.255.255`; numeric IPv4 (any inet_aton form)
 * comes back without a lookup.
 *
 * @param name the host name or IPv4 address.
 * @returns the first IPv4 address, as a dotted quad.
 * @throws {AddressInfoError} (rejects) `EAI_NONAME` for an unknown name, `EAI_ADDRFAMILY` for
 *   an IPv6 address, `EAI_AGAIN` when the resolver cannot be reached.
 * @throws {TypeError} (rejects) when `name` is not a string.
 * @example
 * await gethostbyname('localhost'); // '127.0.0.1'
 */
export async function gethostbyname(name: string): Promise<string> {
  checkHost('gethostbyname', name);
  if (name === '') return '0.0.0.0';
  if (name === '<broadcast>') return '255.255.255.255';
  const { addresses } = await resolveHost(name, C.AF_INET, 0, 'gethostbyname');
  return (addresses[0] as NumericHost).host;
}

/**
 * Resolves a host name to its official name, aliases and IPv4 addresses, as Python's
 * `socket.gethostbyname_ex()`. The official name and aliases come from the hosts file; for a
 * name found only in DNS they are the name given and `[]` (Node's resolver does not report
 * CNAMEs).
 *
 * @param name the host name or IPv4 address.
 * @returns `[hostname, aliases, addresses]`.
 * @throws {AddressInfoError} (rejects) when the name does not resolve, as {@link gethostbyname}.
 * @throws {HostError} (rejects) `NO_RECOVERY` for the empty name, as glibc answers.
 * @throws {TypeError} (rejects) when `name` is not a string.
 * @example
 * await gethostbynameEx('localhost'); // ['localhost', [], ['127.0.0.1']]
 */
export async function gethostbynameEx(name: string): Promise<HostEntry> {
  const op = 'gethostbynameEx';
  checkHost(op, name);
  // glibc's gethostbyname("") fails with NO_RECOVERY; Python shows herror(3).
  if (name === '') throw hostErrorFrom(new Error('empty host name'), op, name);
  const { addresses } = await resolveHost(name, C.AF_INET, 0, op);
  const hosts = addresses.map((a) => a.host);
  if (parseNumericHost(name) !== null) return [name, [], hosts];
  const line = await hostsLineByName(name, C.AF_INET);
  if (line === undefined) return [name, [], hosts];
  return [line.names[0] as string, line.names.slice(1), hosts];
}

/**
 * Finds the name of an address, as Python's `socket.gethostbyaddr()`: the hosts file first,
 * then the resolver. A host name is resolved first and its first address looked up.
 *
 * @param ip an IPv4 or IPv6 address (or a host name).
 * @returns `[hostname, aliases, [address]]`.
 * @throws {HostError} (rejects) `HOST_NOT_FOUND` (errno 1, "unknown host") when the address
 *   has no name; `TRY_AGAIN` when the resolver cannot be reached.
 * @throws {AddressInfoError} (rejects) when `ip` is a name that does not resolve.
 * @throws {SocketError} (rejects) `EINVAL` for `''`, which resolves to two wildcards.
 * @throws {TypeError} (rejects) when `ip` is not a string.
 * @example
 * await gethostbyaddr('127.0.0.1'); // ['localhost', [], ['127.0.0.1']]
 */
export async function gethostbyaddr(ip: string): Promise<HostEntry> {
  const op = 'gethostbyaddr';
  checkHost(op, ip);
  if (ip === '') {
    throw new SocketError('EINVAL', { op, detail: 'wildcard resolved to multiple address' });
  }
  const target: NumericHost =
    ip === '<broadcast>'
      ? { family: C.AF_INET, host: '255.255.255.255', scopeId: 0 }
      : ((await resolveHost(ip, C.AF_UNSPEC, 0, op)).addresses[0] as NumericHost);
  try {
    const { name, aliases } = await reverseName(target);
    return [name, aliases, [target.host]];
  } catch (err) {
    throw hostErrorFrom(err, op, ip);
  }
}

/** Every flag glibc's getnameinfo accepts, NI_IDN and its deprecated companions included. */
const NI_KNOWN = 0xff;

function isU32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/** Numeric text as getnameinfo(3) writes it: IPv6 with `%scope`, by name when link-local. */
function numericText(ip: NumericHost): string {
  if (ip.scopeId === 0) return ip.host;
  const linkLocal = /^fe[89ab]/i.test(ip.host) || /^ff[0-9a-f]2:/i.test(ip.host);
  const name = linkLocal ? netdbBackend().interfaceName(ip.scopeId) : null;
  return `${ip.host}%${name ?? ip.scopeId}`;
}

/**
 * Translates a socket address into a host and a service, as Python's `socket.getnameinfo()`.
 *
 * @param sockaddr `[host, port]`, or `[host, port, flowinfo, scopeId]` for IPv6; the host
 *   must be numeric (names get `EAI_NONAME`, as in Python).
 * @param flags `NI_*` flags: `NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD`, `NI_DGRAM`
 *   (look the port up as UDP), `NI_NOFQDN` (drop this machine's own domain).
 * @returns `[host, service]`: the name (or numeric text when it has none), and the service
 *   name (or the port as a string).
 * @throws {AddressInfoError} (rejects) `EAI_NONAME` for a non-numeric host, or with
 *   `NI_NAMEREQD` when the address has no name; `EAI_BADFLAGS` for unknown flags.
 * @throws {SocketError} (rejects) `EINVAL` for an IPv4 address given with flowinfo and scope.
 * @throws {TypeError} (rejects) when `sockaddr` is not such an array.
 * @throws {RangeError} (rejects) for a port outside 0-65535 or flowinfo outside 0-1048575.
 * @example
 * await getnameinfo(['127.0.0.1', 80], 0); // ['localhost', 'http']
 * await getnameinfo(['127.0.0.1', 53], NI_NUMERICHOST | NI_DGRAM); // ['127.0.0.1', 'domain']
 */
export async function getnameinfo(
  sockaddr: Inet4Address | Inet6Address,
  flags: number,
): Promise<[host: string, port: string]> {
  const op = 'getnameinfo';
  if (!Array.isArray(sockaddr)) {
    throw new TypeError('getnameinfo() expects sockaddr as [host, port, flowinfo?, scopeId?]');
  }
  const [host, port, flowinfo = 0, scopeId = 0] = sockaddr as readonly unknown[];
  const shaped = sockaddr.length >= 2 && sockaddr.length <= 4 && typeof host === 'string';
  if (!shaped || !Number.isInteger(port) || !isU32(flowinfo) || !isU32(scopeId)) {
    throw new TypeError('getnameinfo(): illegal sockaddr argument');
  }
  checkInt(op, 'flags', flags);
  if ((port as number) < 0 || (port as number) > 0xffff) {
    throw new RangeError(`getnameinfo(): port must be 0-65535, got ${port}`);
  }
  const ip = parseNumericHost(host);
  if (ip === null || ip === 'bad-scope') throw gaiError('EAI_NONAME', op, host);
  if (ip.family === C.AF_INET && sockaddr.length !== 2) {
    throw new SocketError('EINVAL', { op, detail: 'IPv4 sockaddr must be 2 tuple' });
  }
  if (flowinfo > 0xfffff) throw new RangeError('getnameinfo(): flowinfo must be 0-1048575.');
  if ((flags & ~NI_KNOWN) !== 0) throw gaiError('EAI_BADFLAGS', op);
  // As in Python, the tuple's scope id replaces any `%scope` written in the host.
  const target = ip.family === C.AF_INET6 ? { ...ip, scopeId } : ip;
  let service = String(port);
  if ((flags & C.NI_NUMERICSERV) === 0) {
    try {
      service = getservbyport(port as number, (flags & C.NI_DGRAM) !== 0 ? 'udp' : 'tcp');
    } catch {}
  }
  if ((flags & C.NI_NUMERICHOST) !== 0) return [numericText(target), service];
  let name: string;
  try {
    name = (await reverseName(target)).name;
  } catch (err) {
    if ((flags & C.NI_NAMEREQD) !== 0) throw fromResolverError(err, op, host);
    return [numericText(target), service];
  }
  if ((flags & C.NI_NOFQDN) !== 0) {
    // glibc drops the local domain only; ours is what follows the first dot of our host name.
    const own = gethostname();
    const domain = own.includes('.') ? own.slice(own.indexOf('.') + 1) : '';
    if (domain !== '' && name.endsWith(`.${domain}`) && name.length > domain.length + 1) {
      name = name.slice(0, -domain.length - 1);
    }
  }
  return [name, service];
}

/**
 * Returns a fully qualified domain name for `name`, as Python's `socket.getfqdn()`: the first
 * of the address's name and aliases that contains a dot, else its name; `name` itself when it
 * cannot be resolved.
 *
 * @param name a host name or address; `''` (default), `'0.0.0.0'` or `'::'` mean this machine.
 * @returns the fully qualified name, or the best name known.
 * @throws {TypeError} (rejects) when `name` is not a string.
 * @example
 * await getfqdn(); // 'vm.example.org', or 'localhost' on a machine without a domain
 */
export async function getfqdn(name = ''): Promise<string> {
  checkHost('getfqdn', name);
  name = name.trim();
  if (name === '' || name === '0.0.0.0' || name === '::') name = gethostname();
  try {
    const [hostname, aliases] = await gethostbyaddr(name);
    return [hostname, ...aliases].find((n) => n.includes('.')) ?? hostname;
  } catch (err) {
    if (err instanceof SocketError) return name;
    throw err;
  }
}
