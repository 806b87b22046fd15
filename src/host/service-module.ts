/**
 * `ServiceModule`: everything the host and the command line know about one service, in one
 * object — its config table (name, default port, own keys, checks across keys), its starter,
 * the listing rows it shows at start and its client command. The host, the config loader and the
 * CLI all read one list of these (`SERVICE_MODULES`), so adding a service is one module and one
 * line in that list.
 */
import type { CliCommand } from '../protocols/common/index.js';
import type { ServiceConfig } from './config/polyport-config.js';
import type { ServiceSchema } from './config/services.js';
import type { RunningService, StartContext } from './starters/start-context.js';

/** A service's client command on the `polyport` command line. */
export interface ServiceCli {
  /** The command (`polyport dig`, `polyport mail`). */
  readonly command: CliCommand;
  /**
   * Whether the command talks to the local `polyport serve` when no server is named: it then
   * takes serve's `--config` and `--set` (and `POLYPORT_PORT_OFFSET`) to find it.
   */
  readonly usesLocalServer: boolean;
}

/**
 * One service `polyport serve` can run. `T` is the type of its config table: the keys every
 * service has (`enabled`, `address`, `port`, `limits`) and its own `keys`.
 *
 * @example
 * // An echo service that shouts, on UDP only (a whole module: list it in SERVICE_MODULES,
 * // or pass it to serve() and loadConfig() with the others as `services`).
 * const upper: ServiceModule<DatagramServiceConfig> = {
 *   name: 'upper',
 *   title: 'Upper-case echo',
 *   wellKnownPort: 1007,
 *   datagram: true,
 *   maxRequestSize: 512,
 *   async start(context, table) {
 *     if (!table.enabled || !table.udp) return null;
 *     const server = await DatagramServer.open({
 *       address: [table.address, table.port],
 *       handler: (data) => Buffer.from(data.toString('latin1').toUpperCase(), 'latin1'),
 *       map: context.map,
 *     });
 *     return running('upper', table.address, { udp: server.boundAddress[1] }, () => server.close());
 *   },
 * };
 */
export interface ServiceModule<T extends ServiceConfig = ServiceConfig> extends ServiceSchema<T> {
  /**
   * Starts the service from its table.
   * @param context what the host gives every service (loop, clock, observer, TLS, logger).
   * @param table the service's effective config table (`config[name]`).
   * @returns the running service, whose `listeners` are its rows in the start-up listing; or
   *   `null` when the table disables it.
   * @throws {Error} when it cannot start (a port in use, a missing root); the host names the
   *   service and its address in the message.
   */
  start(context: StartContext, table: T): Promise<RunningService | null>;
  /** Its client command, if it has one. */
  readonly cli?: ServiceCli;
  /**
   * A folder of `samples/` (`www`) copied to `dataDir/<sampleTree>` at the first start, when the
   * service is on and its `root` key points there (as it does by default), so it serves
   * something at once.
   */
  readonly sampleTree?: string;
}
