/**
 * `fixture()`: polyport's real servers for an application's own tests. Just the services a test
 * names, on free loopback ports, with a temporary data directory, no log, and SMTP as a mail
 * catcher; with what they saw (the host's capture) and the mail SMTP accepted.
 *
 * The host is imported when `fixture()` is first called, not with `polyport/testing`: a test
 * that only wants the fakes beside it loads no server, logger or certificate library.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedEvent, EventHub, Host, Logger, WaitForOptions } from '../host/index.js';
import { type CaughtMessage, caughtMessages } from './caught-message.js';

/**
 * A service's options: its config keys without the service's name (`{ root: dir }` for
 * `http.root`), nested tables as objects (`{ limits: { idleTimeout: 5 } }`). See
 * docs/config-reference.md; a key the service does not have fails `fixture()` with a
 * `ConfigError` that suggests the nearest one.
 */
export type FixtureServiceOptions = Readonly<Record<string, unknown>>;

/**
 * DNS's options: its config keys, and `zone`, the zone master file(s) to serve as text. A text
 * names its origin with `$ORIGIN`; a record maps origins to texts (`{ 'lab.test': text }`).
 */
export interface DnsFixtureOptions extends FixtureServiceOptions {
  readonly zone?: string | readonly string[] | Readonly<Record<string, string>>;
}

/** The services to start, by config table name, each with its options (`{}` for none). */
export interface FixtureServices {
  readonly [service: string]: FixtureServiceOptions | undefined;
  readonly dns?: DnsFixtureOptions;
}

/** Options for the fixture as a whole. */
export interface FixtureOptions {
  /**
   * Top-level config keys, as a config file's table (`{ capture: { events: 10000 } }`,
   * `{ log: { level: 'warn' } }` to see the servers' log on standard error, `users`).
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The host's logger (default: one made from the config's `log`, `silent` unless set). */
  readonly logger?: Logger;
}

/** Where one service of a fixture listens. */
export interface FixtureEndpoint {
  /** `[host, port]`, the address polyport's sockets and clients take. */
  readonly address: readonly [host: string, port: number];
  /** The listening address, `127.0.0.1` unless the service's `address` said otherwise. */
  readonly host: string;
  /** The port the system picked (a DNS service has the same one for UDP and TCP). */
  readonly port: number;
}

/** A started fixture, with an endpoint named after each service asked for. */
export type FixtureOf<S extends FixtureServices> = Fixture & {
  readonly [K in keyof S & string]: FixtureEndpoint;
};

/**
 * Running services for a test: their endpoints (`net.smtp.address`), their events, the mail
 * they took, and `close()` (or `await using`), which stops them and removes their data.
 */
export class Fixture {
  /** The host running the services (its `capture`, `listeners`, `config`, …). */
  readonly host: Host;
  /** The temporary data directory: mailboxes, zones, the website, the TLS certificate. */
  readonly dataDir: string;
  /**
   * A live feed of the services' events: each `for await` over it sees those recorded from its
   * start until it breaks out.
   * @example for await (const e of net.events) if (e.kind === 'message') break;
   */
  readonly events: AsyncIterable<CapturedEvent>;
  #closing: Promise<void> | null = null;

  /** @internal Made by {@link fixture}. */
  constructor(host: Host, dataDir: string) {
    this.host = host;
    this.dataDir = dataDir;
    // Subscribed when iterated, not now: a feed nobody reads would hold every event.
    this.events = { [Symbol.asyncIterator]: () => host.events() };
    for (const [service, endpoint] of endpoints(host)) {
      Object.defineProperty(this, service, { value: endpoint, enumerable: true });
    }
  }

  /** Every event held and to come, for lists (`capture.list()`) and `capture.lastId`. */
  get capture(): EventHub {
    return this.host.capture;
  }

  /**
   * The newest event that matches, held already or to come (the test may act first and wait
   * after); rejects with `WaitTimeoutError` after `timeout` ms (default 5,000).
   * @example await net.waitFor((e) => e.service === 'dns' && e.name === 'www.lab.test');
   */
  waitFor(
    predicate: (event: CapturedEvent) => boolean,
    options?: WaitForOptions,
  ): Promise<CapturedEvent> {
    return this.host.waitFor(predicate, options);
  }

  /**
   * The mail SMTP accepted and still holds in the capture, oldest first.
   * @example const [mail] = await net.messages(); mail?.subject; // 'Welcome'
   */
  async messages(): Promise<CaughtMessage[]> {
    return caughtMessages(this.host.capture.list({ service: 'smtp', kind: 'message' }));
  }

  /** Stops the services at once (connections still open are closed) and removes `dataDir`. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.host.stop(0);
      } finally {
        await rm(this.dataDir, { recursive: true, force: true });
      }
    })();
    return this.#closing;
  }

  /** `await using net = await fixture(…)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Each running service's first listener, by service name. */
function endpoints(host: Host): Map<string, FixtureEndpoint> {
  const found = new Map<string, FixtureEndpoint>();
  for (const { service, address, port } of host.listeners) {
    if (found.has(service)) continue;
    found.set(
      service,
      Object.freeze({ address: Object.freeze([address, port] as const), host: address, port }),
    );
  }
  return found;
}

/** SMTP catches every message: the application under test may send to any address. */
const SMTP_DEFAULTS = { acceptAll: true, acceptAnyAuth: true };

/**
 * Starts just the named services (the admin listener and POP3 only when named) on free ports of
 * 127.0.0.1, with a fresh temporary data directory and no log; SMTP takes every recipient and
 * every AUTH (`smtp.acceptAll`, `smtp.acceptAnyAuth`), DNS serves the given `zone` texts.
 *
 * @param services the services by config table name, each with its config keys.
 * @param options top-level config keys and a logger.
 * @returns the running fixture, with an endpoint per service (`net.smtp.address`).
 * @throws {ConfigError} for an unknown service or key, or a value out of range.
 * @throws {HostStartError} when a service cannot start.
 * @throws {TypeError} for a zone text without `$ORIGIN`.
 * @example
 * await using net = await fixture({ smtp: {}, dns: { zone: '$ORIGIN lab.test.\n…' } });
 * await sendSignupMail(...net.smtp.address, 'ann@example.com');
 * await net.waitFor((e) => e.service === 'smtp' && e.kind === 'message');
 * (await net.messages())[0]?.subject; // 'Welcome'
 */
export async function fixture<S extends FixtureServices>(
  services: S,
  options: FixtureOptions = {},
): Promise<FixtureOf<S>> {
  const host = await import('../host/index.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'polyport-fixture-'));
  try {
    const config = host.effectiveConfig(await configTable(services, options, dataDir, host));
    const running = await host.serve({
      config,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    return new Fixture(running, dataDir) as FixtureOf<S>;
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** The config file's table for the fixture: every service off but those asked for. */
async function configTable(
  services: FixtureServices,
  options: FixtureOptions,
  dataDir: string,
  host: typeof import('../host/index.js'),
): Promise<Record<string, unknown>> {
  const own = options.config ?? {};
  const table: Record<string, unknown> = {
    ...own,
    dataDir,
    log: { level: 'silent', ...(own.log as object | undefined) },
  };
  for (const module of host.SERVICE_MODULES) table[module.name] = { enabled: false };
  for (const [name, given] of Object.entries(services)) {
    if (given === undefined) continue;
    const { zone, ...keys } = given as DnsFixtureOptions;
    const extra = name === 'dns' && zone !== undefined ? await writeZones(zone, dataDir) : null;
    table[name] = {
      enabled: true,
      port: 0,
      ...(name === 'smtp' ? SMTP_DEFAULTS : {}),
      ...keys,
      ...(extra === null
        ? {}
        : { zones: [...((keys.zones as readonly string[] | undefined) ?? []), ...extra] }),
    };
  }
  return table;
}

/** Writes zone texts as `<dataDir>/zones/<origin>.zone` and returns their paths. */
async function writeZones(
  zone: NonNullable<DnsFixtureOptions['zone']>,
  dataDir: string,
): Promise<string[]> {
  const texts: Array<readonly [string, string]> =
    typeof zone === 'string' || Array.isArray(zone)
      ? [zone].flat().map((text: string) => [originOf(text), text] as const)
      : Object.entries(zone as Readonly<Record<string, string>>);
  const dir = join(dataDir, 'zones');
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [origin, text] of texts) {
    if (origin === '' || origin === '.' || /[/\\]/.test(origin)) {
      throw new TypeError(`dns.zone: ${JSON.stringify(origin)} is not a zone's origin`);
    }
    // The file's name is its origin, which is how the DNS service learns it.
    const path = join(dir, `${origin.replace(/\.$/, '')}.zone`);
    await writeFile(path, text);
    paths.push(path);
  }
  return paths;
}

/** A zone text's `$ORIGIN`. */
function originOf(text: string): string {
  const origin = /^\$ORIGIN[ \t]+(\S+)/im.exec(text)?.[1];
  if (origin === undefined) {
    throw new TypeError(
      "dns.zone: a zone text needs an $ORIGIN line (or give { 'lab.test': text })",
    );
  }
  return origin;
}
