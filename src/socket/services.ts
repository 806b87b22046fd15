/**
 * Service and protocol names, as Python's `socket.getservbyname()`, `getservbyport()` and
 * `getprotobyname()`: read from `/etc/services` and `/etc/protocols` once, on first use, with
 * polyport's built-in table filling in whatever the system files lack.
 */
import { readFileSync } from 'node:fs';
import { SocketError } from './errors.js';
import type { ProtocolEntry, ServiceEntry } from './service-entry.js';
import { WELL_KNOWN_PROTOCOLS, WELL_KNOWN_SERVICES } from './well-known-services.js';

export type { ProtocolEntry, ServiceEntry } from './service-entry.js';

/** Splits a netdb file into the fields of its lines, without comments or blank lines. */
function fieldsOf(text: string): string[][] {
  const out: string[][] = [];
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const fields = (hash === -1 ? raw : raw.slice(0, hash)).split(/[ \t\r\f\v]+/).filter(Boolean);
    if (fields.length > 0) out.push(fields);
  }
  return out;
}

function smallInt(text: string, max: number): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

/**
 * Parses `/etc/services` text (`name port/proto [alias…] [# comment]`). Lines that do not have
 * that shape are skipped, as glibc skips them.
 *
 * @param text the file's contents.
 * @returns the entries in file order.
 * @example
 * parseServices('http 80/tcp www # web\n'); // [{ name: 'http', port: 80, proto: 'tcp', aliases: ['www'] }]
 */
export function parseServices(text: string): ServiceEntry[] {
  const out: ServiceEntry[] = [];
  for (const [name, portProto, ...aliases] of fieldsOf(text)) {
    const match = /^(\d+)\/(\S+)$/.exec(portProto ?? '');
    const port = smallInt(match?.[1] ?? '', 0xffff);
    if (name === undefined || match === null || port === null) continue;
    out.push({ name, port, proto: match[2] as string, aliases });
  }
  return out;
}

/**
 * Parses `/etc/protocols` text (`name number [alias…] [# comment]`), skipping malformed lines.
 *
 * @param text the file's contents.
 * @returns the entries in file order.
 * @example
 * parseProtocols('tcp 6 TCP\n'); // [{ name: 'tcp', number: 6, aliases: ['TCP'] }]
 */
export function parseProtocols(text: string): ProtocolEntry[] {
  const out: ProtocolEntry[] = [];
  for (const [name, numberText, ...aliases] of fieldsOf(text)) {
    const number = smallInt(numberText ?? '', 255);
    if (name === undefined || number === null) continue;
    out.push({ name, number, aliases });
  }
  return out;
}

function notFound(detail: string): SocketError {
  // Python raises a bare OSError here (errno None); ENOENT, "no such entry", is the closest code.
  return new SocketError('ENOENT', { detail });
}

/**
 * A services and protocols database: the lookups behind {@link getservbyname},
 * {@link getservbyport} and {@link getprotobyname}, for a given set of entries. Lookups are
 * case-sensitive and the first matching entry wins, as with glibc's files backend.
 *
 * @example
 * const db = new ServiceDatabase(parseServices('gopher 70/tcp\n'), []);
 * db.getservbyname('gopher'); // 70
 */
export class ServiceDatabase {
  /** Every service, in lookup order. */
  readonly services: readonly ServiceEntry[];
  /** Every protocol, in lookup order. */
  readonly protocols: readonly ProtocolEntry[];
  readonly #byName = new Map<string, ServiceEntry>();
  readonly #byPort = new Map<string, ServiceEntry>();
  readonly #protoByName = new Map<string, ProtocolEntry>();

  /**
   * @param services the services, first match first.
   * @param protocols the protocols, first match first.
   */
  constructor(services: readonly ServiceEntry[], protocols: readonly ProtocolEntry[]) {
    this.services = services;
    this.protocols = protocols;
    const first = <V>(map: Map<string, V>, key: string, value: V): void => {
      if (!map.has(key)) map.set(key, value);
    };
    for (const s of services) {
      for (const name of [s.name, ...s.aliases]) {
        first(this.#byName, `${name}/${s.proto}`, s);
        // Keyed with a NUL no name can contain: "any protocol" lookups.
        first(this.#byName, `${name}\0`, s);
      }
      first(this.#byPort, `${s.port}/${s.proto}`, s);
      first(this.#byPort, `${s.port}\0`, s);
    }
    for (const p of protocols) {
      for (const name of [p.name, ...p.aliases]) first(this.#protoByName, name, p);
    }
  }

  /**
   * Loads the system's `/etc/services` and `/etc/protocols` (or other files), then appends the
   * built-in entries the files lack. A missing or unreadable file counts as empty, so the
   * built-in table alone answers on systems without one.
   *
   * @param paths where to read from; defaults to `/etc/services` and `/etc/protocols`.
   * @returns the database.
   * @example
   * const db = ServiceDatabase.load({ services: '/nonexistent' }); // built-in services only
   */
  static load(
    paths: { readonly services?: string; readonly protocols?: string } = {},
  ): ServiceDatabase {
    const services = parseServices(readOrEmpty(paths.services ?? '/etc/services'));
    const protocols = parseProtocols(readOrEmpty(paths.protocols ?? '/etc/protocols'));
    // A built-in entry is added only when the file names neither its service nor its port for
    // that protocol, so the system file stays authoritative for everything it lists.
    const seen = new Set(services.flatMap((s) => [`${s.name}/${s.proto}`, `${s.port}/${s.proto}`]));
    for (const s of WELL_KNOWN_SERVICES) {
      if (!seen.has(`${s.name}/${s.proto}`) && !seen.has(`${s.port}/${s.proto}`)) services.push(s);
    }
    const protoNames = new Set(protocols.map((p) => p.name));
    const protoNumbers = new Set(protocols.map((p) => p.number));
    for (const p of WELL_KNOWN_PROTOCOLS) {
      if (!protoNames.has(p.name) && !protoNumbers.has(p.number)) protocols.push(p);
    }
    return new ServiceDatabase(services, protocols);
  }

  /**
   * The port of a service in this database; see {@link getservbyname}.
   *
   * @param name the service's name or alias.
   * @param proto the protocol; omitted or `null`: the first match.
   * @returns the port.
   * @throws {SocketError} `ENOENT`, "service/proto not found".
   * @throws {TypeError} when `name` or `proto` is not a string.
   * @example
   * db.getservbyname('www', 'tcp'); // 80
   */
  getservbyname(name: string, proto?: string | null): number {
    checkName('getservbyname', name, 'name');
    if (proto != null) checkName('getservbyname', proto, 'proto');
    const hit = this.#byName.get(proto == null ? `${name}\0` : `${name}/${proto}`);
    if (hit === undefined) throw notFound('service/proto not found');
    return hit.port;
  }

  /**
   * The name of the service on a port in this database; see {@link getservbyport}.
   *
   * @param port the port, 0-65535.
   * @param proto the protocol; omitted or `null`: the first match.
   * @returns the official name.
   * @throws {SocketError} `ENOENT`, "port/proto not found".
   * @throws {TypeError} when `port` is not an integer or `proto` not a string.
   * @throws {RangeError} for a port outside 0-65535.
   * @example
   * db.getservbyport(53, 'udp'); // 'domain'
   */
  getservbyport(port: number, proto?: string | null): string {
    if (typeof port !== 'number' || !Number.isInteger(port)) {
      throw new TypeError(`getservbyport() expects an integer port, got ${typeof port}`);
    }
    if (port < 0 || port > 0xffff) throw new RangeError('getservbyport: port must be 0-65535.');
    if (proto != null) checkName('getservbyport', proto, 'proto');
    const hit = this.#byPort.get(proto == null ? `${port}\0` : `${port}/${proto}`);
    if (hit === undefined) throw notFound('port/proto not found');
    return hit.name;
  }

  /**
   * The number of a protocol in this database; see {@link getprotobyname}.
   *
   * @param name the protocol's name or alias.
   * @returns the protocol number.
   * @throws {SocketError} `ENOENT`, "protocol not found".
   * @throws {TypeError} when `name` is not a string.
   * @example
   * db.getprotobyname('TCP'); // 6
   */
  getprotobyname(name: string): number {
    checkName('getprotobyname', name, 'name');
    const hit = this.#protoByName.get(name);
    if (hit === undefined) throw notFound('protocol not found');
    return hit.number;
  }
}

function checkName(fn: string, value: unknown, what: string): void {
  if (typeof value !== 'string') {
    throw new TypeError(`${fn}() expects a string ${what}, got ${typeof value}`);
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

let system: ServiceDatabase | undefined;

/** The system database, parsed on first use and kept: the files rarely change while we run. */
function db(): ServiceDatabase {
  system ??= ServiceDatabase.load();
  return system;
}

/**
 * Returns the port of a service, as Python's `socket.getservbyname()`.
 *
 * @param name the service's name or an alias (`'http'`, `'www'`), case-sensitive.
 * @param proto `'tcp'` or `'udp'` (any protocol name); omitted or `null`: the first match.
 * @returns the port number.
 * @throws {SocketError} `ENOENT`, "service/proto not found", when there is no such service.
 * @throws {TypeError} when `name` or `proto` is not a string.
 * @example
 * getservbyname('http', 'tcp'); // 80
 * getservbyname('domain', 'udp'); // 53
 */
export function getservbyname(name: string, proto?: string | null): number {
  return db().getservbyname(name, proto);
}

/**
 * Returns the name of the service on a port, as Python's `socket.getservbyport()`.
 *
 * @param port the port, 0-65535.
 * @param proto `'tcp'` or `'udp'` (any protocol name); omitted or `null`: the first match.
 * @returns the service's official name.
 * @throws {SocketError} `ENOENT`, "port/proto not found", when no service has that port.
 * @throws {TypeError} when `port` is not an integer or `proto` not a string.
 * @throws {RangeError} "getservbyport: port must be 0-65535." for a port out of range.
 * @example
 * getservbyport(25); // 'smtp'
 */
export function getservbyport(port: number, proto?: string | null): string {
  return db().getservbyport(port, proto);
}

/**
 * Returns the number of an IP protocol, as Python's `socket.getprotobyname()`.
 *
 * @param name the protocol's name or alias (`'tcp'`, `'TCP'`, `'icmp'`).
 * @returns the protocol number, e.g. 6 for TCP.
 * @throws {SocketError} `ENOENT`, "protocol not found", when there is no such protocol.
 * @throws {TypeError} when `name` is not a string.
 * @example
 * getprotobyname('udp'); // 17
 */
export function getprotobyname(name: string): number {
  return db().getprotobyname(name);
}

/**
 * Lists every known service, for `polyport services`: the system's entries and the built-in
 * ones it lacks, ordered by port, then protocol.
 *
 * @returns the entries, `{ name, port, proto, aliases }`.
 * @example
 * for (const s of servicesTable()) console.log(`${s.name}\t${s.port}/${s.proto}`);
 */
export function servicesTable(): readonly ServiceEntry[] {
  return [...db().services].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
}
