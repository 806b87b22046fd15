/**
 * Socket addresses as Python writes them: `[host, port]` for AF_INET, `[host, port, flowinfo,
 * scopeId]` for AF_INET6, a path string for AF_UNIX.
 */
import { AF_INET, AF_INET6, AF_UNIX } from './constants.js';
import { ipFamily } from './inet.js';

/** An AF_INET address: host (a dotted quad or a name) and port. */
export type Inet4Address = readonly [host: string, port: number];
/** An AF_INET6 address: host, port, flow info and scope id (the last two are optional on input). */
export type Inet6Address =
  | readonly [host: string, port: number]
  | readonly [host: string, port: number, flowinfo: number, scopeId: number];
/** Any socket address: an IP tuple, or a filesystem (or abstract `\0name`) path for AF_UNIX. */
export type SocketAddress = Inet4Address | Inet6Address | string;

/** An address checked against a family, in the form Node's calls take. */
export interface ResolvedAddress {
  readonly host: string;
  readonly port: number;
  /** For AF_UNIX, the path; `host`/`port` are then unused. */
  readonly path?: string;
}

/**
 * Checks `address` against `family` and converts Python's special hosts: `''` is the wildcard
 * (`0.0.0.0` or `::`), `'<broadcast>'` is `255.255.255.255`.
 *
 * @param family the socket's address family.
 * @param address the address to check.
 * @param op the call, for error messages.
 * @returns host/port (or path) ready for Node.
 * @throws {TypeError} when the address does not have the family's shape.
 * @throws {RangeError} when the port is not an integer from 0 to 65535.
 */
export function resolveAddress(family: number, address: unknown, op: string): ResolvedAddress {
  if (family === AF_UNIX) {
    if (typeof address !== 'string' && !Buffer.isBuffer(address)) {
      throw new TypeError(
        `${op}(): AF_UNIX address must be a path string, got ${describe(address)}`,
      );
    }
    return { host: '', port: 0, path: address.toString() };
  }
  const name = family === AF_INET6 ? 'AF_INET6' : 'AF_INET';
  const arity = family === AF_INET6 ? '(host, port[, flowinfo, scopeId])' : '(host, port)';
  if (
    !Array.isArray(address) ||
    address.length < 2 ||
    address.length > (family === AF_INET6 ? 4 : 2)
  ) {
    throw new TypeError(
      `${op}(): ${name} address must be a tuple ${arity}, got ${describe(address)}`,
    );
  }
  const [host, port] = address as unknown[];
  if (typeof host !== 'string') {
    throw new TypeError(`${op}(): host must be a string, got ${describe(host)}`);
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${op}(): port must be an integer from 0 to 65535, got ${describe(port)}`);
  }
  let resolvedHost = host;
  if (host === '') resolvedHost = family === AF_INET6 ? '::' : '0.0.0.0';
  else if (host === '<broadcast>') resolvedHost = '255.255.255.255';
  return { host: resolvedHost, port };
}

/**
 * Converts an address as Node reports it into Python's tuple for `family`.
 *
 * @param family the socket's family.
 * @param host the IP text Node gave.
 * @param port the port Node gave.
 * @returns `[host, port]` or `[host, port, 0, scopeId]`.
 */
export function toAddressTuple(family: number, host: string, port: number): SocketAddress {
  if (family !== AF_INET6) return [host, port];
  const percent = host.indexOf('%');
  if (percent === -1) return [host, port, 0, 0];
  const zone = host.slice(percent + 1);
  const scope = /^\d+$/.test(zone) ? Number(zone) : 0;
  return [host.slice(0, percent), port, 0, scope];
}

/**
 * Formats an address for messages and logs, Go style: `127.0.0.1:80`, `[::1]:80`, a path.
 *
 * @param address a socket address, or undefined.
 * @returns the text, or '' for none.
 */
export function formatAddress(address: SocketAddress | ResolvedAddress | undefined): string {
  if (address === undefined) return '';
  if (typeof address === 'string') return address;
  const [host, port] = Array.isArray(address)
    ? (address as readonly [string, number])
    : [
        (address as ResolvedAddress).path ?? (address as ResolvedAddress).host,
        (address as ResolvedAddress).port,
      ];
  if ((address as ResolvedAddress).path !== undefined) return String(host);
  return ipFamily(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The Go-style network name for messages: `tcp`, `tcp6`, `udp`, `udp6`, `unix`, `unixgram`. */
export function networkName(family: number, type: number): string {
  const base = type === 2 ? 'udp' : 'tcp';
  if (family === AF_UNIX) return type === 2 ? 'unixgram' : 'unix';
  return family === AF_INET6 ? `${base}6` : base;
}

/** Short text for a value in an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return String(value);
}

/** Whether `family` is one polyport can open. */
export function isKnownFamily(family: number): boolean {
  return family === AF_INET || family === AF_INET6 || family === AF_UNIX;
}
