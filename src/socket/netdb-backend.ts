/**
 * What the name functions of `netdb.ts` ask of the system — the resolver, the hosts file,
 * interface indexes — behind one replaceable {@link NetdbBackend}, plus the pieces they share:
 * numeric-host parsing as glibc's getaddrinfo does it, hosts-file lookups, and the mapping of
 * resolver failures to Python's `gaierror`/`herror` ({@link AddressInfoError}/{@link HostError}).
 */
// The callback readFile: node:fs/promises is a module more to load, for one file.
import { readdirSync, readFile, readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import * as C from './constants.js';
import { AddressInfoError, HostError } from './errors.js';
import { inetAton, inetNtoa, inetNtop, inetPton } from './inet.js';
import { loadBuiltin } from './load-builtin.js';

/** One resolved address, as `dns.lookup()` gives it. */
export interface HostAddress {
  /** The numeric address. */
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/**
 * What the name functions need from the system. {@link systemNetdbBackend} is the real one;
 * tests install another with {@link setNetdbBackend} so they never wait on DNS.
 */
export interface NetdbBackend {
  /** getaddrinfo(3) for a name (never a numeric host): addresses in resolver order. */
  lookup(host: string, family: 0 | 4 | 6, hints: number): Promise<readonly HostAddress[]>;
  /** getnameinfo(3) with NI_NAMEREQD: the name of a numeric address; rejects with Node's code. */
  reverse(address: string): Promise<string>;
  /** The text of the hosts file (`/etc/hosts`); `''` when there is none. */
  hostsFile(): Promise<string>;
  /** This machine's host name. */
  hostname(): string;
  /** The index of a network interface (`lo` → 1), or `null` when there is no such interface. */
  interfaceIndex(name: string): number | null;
  /** The name of a network interface, or `null` when no interface has that index. */
  interfaceName(index: number): string | null;
}

const SYS_NET = '/sys/class/net';

function interfaceIndex(name: string): number | null {
  if (!/^[\w.:-]{1,15}$/.test(name)) return null;
  try {
    return Number.parseInt(readFileSync(`${SYS_NET}/${name}/ifindex`, 'latin1'), 10);
  } catch {
    return null;
  }
}

/**
 * The real backend: Node's resolver (getaddrinfo(3)/getnameinfo(3) in libuv's thread pool),
 * `/etc/hosts`, and Linux's `/sys/class/net` for interface indexes (Node has no
 * if_nametoindex; elsewhere only numeric scope ids work).
 *
 * @example
 * setNetdbBackend({ ...systemNetdbBackend, reverse: async () => 'fake.example' });
 */
export const systemNetdbBackend: NetdbBackend = {
  // node:dns is loaded by the first look-up (see load-builtin.ts): most clients are given literals.
  lookup: (host, family, hints) =>
    loadBuiltin('node:dns/promises').lookup(host, { all: true, family, hints, order: 'verbatim' }),
  reverse: async (address) =>
    (await loadBuiltin('node:dns/promises').lookupService(address, 0)).hostname,
  hostsFile: () =>
    new Promise((resolve) => {
      readFile('/etc/hosts', 'latin1', (err, text) => resolve(err === null ? text : ''));
    }),
  hostname: () => osHostname(),
  interfaceIndex,
  interfaceName(index) {
    try {
      return readdirSync(SYS_NET).find((name) => interfaceIndex(name) === index) ?? null;
    } catch {
      return null;
    }
  },
};

let current: NetdbBackend = systemNetdbBackend;

/**
 * Replaces the system backend, for tests: a fake resolver answers at once and sends nothing.
 *
 * @param replacement the backend to use; `null` restores {@link systemNetdbBackend}.
 * @example
 * setNetdbBackend({ ...systemNetdbBackend, lookup: async () => [{ address: '192.0.2.1', family: 4 }] });
 * setNetdbBackend(null); // back to the real resolver
 */
export function setNetdbBackend(replacement: NetdbBackend | null): void {
  current = replacement ?? systemNetdbBackend;
}

/**
 * The backend in use.
 *
 * @returns the installed backend.
 * @example
 * netdbBackend().hostname(); // 'vm'
 */
export function netdbBackend(): NetdbBackend {
  return current;
}

/** glibc's `gai_strerror()` texts, lowercased as every other polyport error message is. */
const GAI_TEXT: Readonly<Record<string, string>> = {
  EAI_BADFLAGS: 'bad value for ai_flags',
  EAI_NONAME: 'name or service not known',
  EAI_AGAIN: 'temporary failure in name resolution',
  EAI_FAIL: 'non-recoverable failure in name resolution',
  EAI_NODATA: 'no address associated with hostname',
  EAI_FAMILY: 'ai_family not supported',
  EAI_SOCKTYPE: 'ai_socktype not supported',
  EAI_SERVICE: 'servname not supported for ai_socktype',
  EAI_ADDRFAMILY: 'address family for hostname not supported',
  EAI_MEMORY: 'memory allocation failure',
  EAI_SYSTEM: 'system error',
};

const GAI_ERRNO: Readonly<Record<string, number>> = {
  EAI_BADFLAGS: C.EAI_BADFLAGS,
  EAI_NONAME: C.EAI_NONAME,
  EAI_AGAIN: C.EAI_AGAIN,
  EAI_FAIL: C.EAI_FAIL,
  EAI_NODATA: C.EAI_NODATA,
  EAI_FAMILY: C.EAI_FAMILY,
  EAI_SOCKTYPE: C.EAI_SOCKTYPE,
  EAI_SERVICE: C.EAI_SERVICE,
  EAI_ADDRFAMILY: C.EAI_ADDRFAMILY,
  EAI_MEMORY: C.EAI_MEMORY,
  EAI_SYSTEM: C.EAI_SYSTEM,
};

/** Node's resolver codes as the gai code glibc would have returned. */
const NODE_TO_GAI: Readonly<Record<string, string>> = {
  ENOTFOUND: 'EAI_NONAME',
  EBADNAME: 'EAI_NONAME',
  ENODATA: 'EAI_NODATA',
  ETIMEOUT: 'EAI_AGAIN',
  ETIMEDOUT: 'EAI_AGAIN',
  ECONNREFUSED: 'EAI_AGAIN',
  ESERVFAIL: 'EAI_FAIL',
  EREFUSED: 'EAI_FAIL',
};

/**
 * Builds Python's `gaierror`: an {@link AddressInfoError} with glibc's errno and text.
 *
 * @param code an `EAI_*` name.
 * @param op the call, for the message.
 * @param addr the host or service looked up, for the message.
 * @param cause the error this one replaces.
 * @returns the error.
 * @example
 * throw gaiError('EAI_NONAME', 'getaddrinfo', 'nonexistent.invalid');
 * // getaddrinfo nonexistent.invalid: name or service not known (EAI_NONAME)
 */
export function gaiError(
  code: string,
  op: string,
  addr?: string,
  cause?: unknown,
): AddressInfoError {
  return new AddressInfoError(code, {
    errno: GAI_ERRNO[code] ?? C.EAI_FAIL,
    op,
    detail: GAI_TEXT[code] ?? code,
    ...(addr === undefined ? {} : { addr }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The error code of something Node threw (`'ENOTFOUND'`), or `''`.
 *
 * @param err what was thrown.
 * @returns its `code`, when it is a string.
 * @example
 * nodeErrorCode(Object.assign(new Error(), { code: 'EAI_AGAIN' })); // 'EAI_AGAIN'
 */
export function nodeErrorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Turns a Node resolver failure into the `gaierror` glibc would have given: `ENOTFOUND` is
 * `EAI_NONAME`, a timeout `EAI_AGAIN`, a server failure `EAI_FAIL`; `EAI_*` codes pass through.
 *
 * @param err what Node threw.
 * @param op the call, for the message.
 * @param addr the host looked up.
 * @returns the error.
 * @example
 * fromResolverError(err, 'getaddrinfo', 'example.invalid').code; // 'EAI_NONAME'
 */
export function fromResolverError(err: unknown, op: string, addr: string): AddressInfoError {
  if (err instanceof AddressInfoError) return err;
  const code = nodeErrorCode(err);
  return gaiError(NODE_TO_GAI[code] ?? (code in GAI_TEXT ? code : 'EAI_FAIL'), op, addr, err);
}

/** herror codes and `hstrerror()` texts, indexed by h_errno. */
const H_ERRORS = [
  ['NETDB_SUCCESS', 'resolver error 0 (no error)'],
  ['HOST_NOT_FOUND', 'unknown host'],
  ['TRY_AGAIN', 'host name lookup failure'],
  ['NO_RECOVERY', 'unknown server error'],
  ['NO_DATA', 'no address associated with name'],
] as const;

/**
 * Turns a reverse-lookup failure into Python's `herror`: a {@link HostError} with the h_errno
 * (1 `HOST_NOT_FOUND` "unknown host", 2 `TRY_AGAIN`, 3 `NO_RECOVERY`).
 *
 * @param err what the resolver threw, or `null` for "no such host".
 * @param op the call, for the message.
 * @param addr the address looked up.
 * @returns the error.
 * @example
 * hostErrorFrom(null, 'gethostbyaddr', '192.0.2.1').message;
 * // 'gethostbyaddr 192.0.2.1: unknown host (HOST_NOT_FOUND)'
 */
export function hostErrorFrom(err: unknown, op: string, addr: string): HostError {
  const code = err === null ? 'ENOTFOUND' : nodeErrorCode(err);
  const gai = NODE_TO_GAI[code] ?? code;
  const herrno = gai === 'EAI_NONAME' || gai === 'EAI_NODATA' ? 1 : gai === 'EAI_AGAIN' ? 2 : 3;
  const [hcode, detail] = H_ERRORS[herrno];
  return new HostError(hcode, { errno: herrno, op, addr, detail, cause: err ?? undefined });
}

/** A numeric IP address in the form sockaddrs need. */
export interface NumericHost {
  /** `AF_INET` or `AF_INET6`. */
  readonly family: number;
  /** The canonical text (`inetNtop`), without any `%scope`. */
  readonly host: string;
  /** The IPv6 scope id; 0 for none and for IPv4. */
  readonly scopeId: number;
}

/**
 * Parses a numeric host as glibc's getaddrinfo does: IPv4 in any inet_aton(3) form with
 * nothing after it, IPv6 in any RFC 4291 form with an optional `%scope` (a number or an
 * interface name).
 *
 * @param text the host.
 * @returns the address; `null` for a name; `'bad-scope'` for an unknown interface.
 * @example
 * parseNumericHost('127.1'); // { family: AF_INET, host: '127.0.0.1', scopeId: 0 }
 * parseNumericHost('fe80::1%lo'); // { family: AF_INET6, host: 'fe80::1', scopeId: 1 }
 */
export function parseNumericHost(text: string): NumericHost | 'bad-scope' | null {
  if (text === '' || /[\s\0]/.test(text)) return null;
  try {
    return { family: C.AF_INET, host: inetNtoa(inetAton(text)), scopeId: 0 };
  } catch {}
  const cut = text.indexOf('%');
  let packed: Buffer;
  try {
    packed = inetPton(C.AF_INET6, cut === -1 ? text : text.slice(0, cut));
  } catch {
    return null;
  }
  let scopeId = 0;
  if (cut !== -1) {
    const scope = text.slice(cut + 1);
    const index = /^\d{1,10}$/.test(scope) ? Number(scope) : current.interfaceIndex(scope);
    if (index === null || index > 0xffffffff) return 'bad-scope';
    scopeId = index;
  }
  return { family: C.AF_INET6, host: inetNtop(C.AF_INET6, packed), scopeId };
}

/** One line of the hosts file: an address and its names, official name first. */
export interface HostsLine {
  /** `AF_INET` or `AF_INET6`. */
  readonly family: number;
  /** The canonical address text. */
  readonly host: string;
  /** The official name, then the aliases. */
  readonly names: readonly string[];
}

/**
 * Reads and parses the backend's hosts file, skipping comments and malformed lines.
 *
 * @returns the lines in file order.
 * @example
 * (await hostsLines())[0]; // { family: AF_INET, host: '127.0.0.1', names: ['localhost'] }
 */
export async function hostsLines(): Promise<HostsLine[]> {
  const out: HostsLine[] = [];
  for (const raw of (await current.hostsFile()).split('\n')) {
    const [address = '', ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    const ip = parseNumericHost(address);
    if (ip === null || ip === 'bad-scope' || names.length === 0) continue;
    out.push({ family: ip.family, host: ip.host, names });
  }
  return out;
}

/**
 * The first hosts line that names `name`, compared case-insensitively as glibc's files
 * backend does.
 *
 * @param name the host name.
 * @param family `AF_UNSPEC` for any line, else only lines of that family.
 * @returns the line, or `undefined`.
 * @example
 * (await hostsLineByName('LOCALHOST', AF_INET))?.names[0]; // 'localhost'
 */
export async function hostsLineByName(
  name: string,
  family: number,
): Promise<HostsLine | undefined> {
  const lower = name.toLowerCase();
  return (await hostsLines()).find(
    (line) =>
      (family === C.AF_UNSPEC || line.family === family) &&
      line.names.some((n) => n.toLowerCase() === lower),
  );
}

/**
 * The name of an address and its aliases: the hosts file first (only it knows aliases), then
 * the resolver.
 *
 * @param ip the address.
 * @returns the official name and the aliases.
 * @throws the resolver's error (Node's `{ code }`) when the address has no name.
 * @example
 * await reverseName({ family: AF_INET, host: '127.0.0.1', scopeId: 0 }); // { name: 'localhost', aliases: [] }
 */
export async function reverseName(ip: NumericHost): Promise<{ name: string; aliases: string[] }> {
  const line = (await hostsLines()).find((l) => l.family === ip.family && l.host === ip.host);
  if (line !== undefined) return { name: line.names[0] as string, aliases: line.names.slice(1) };
  const scope = ip.scopeId === 0 ? '' : `%${ip.scopeId}`;
  return { name: await current.reverse(ip.host + scope), aliases: [] };
}
