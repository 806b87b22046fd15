/**
 * The rows of the netdb tables: `ServiceEntry` (a line of `/etc/services`) and `ProtocolEntry`
 * (a line of `/etc/protocols`). Types only, in their own file so that the lookups
 * (`services.ts`) and the built-in table (`well-known-services.ts`) both read them without
 * importing each other.
 */

/** One line of `/etc/services`: `http 80/tcp www`. */
export interface ServiceEntry {
  /** The official name, e.g. `'http'`. */
  readonly name: string;
  /** The port, 0-65535. */
  readonly port: number;
  /** The transport protocol's name, usually `'tcp'` or `'udp'`. */
  readonly proto: string;
  /** Other names for the service, e.g. `['www']`. */
  readonly aliases: readonly string[];
}

/** One line of `/etc/protocols`: `tcp 6 TCP`. */
export interface ProtocolEntry {
  /** The official name, e.g. `'tcp'`. */
  readonly name: string;
  /** The IP protocol number, 0-255. */
  readonly number: number;
  /** Other names, e.g. `['TCP']`. */
  readonly aliases: readonly string[];
}
