/**
 * `polyport serve`: every service of the config (by default, all of them on loopback with sample
 * content) in this one process; `polyport serve http DIR` and the other one-liners run one.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Fleet } from '../host/fleet/fleet.js';
import {
  ConfigError,
  createLogger,
  describeAccelerators,
  flushLogs,
  type Host,
  HostStartError,
  loadConfig,
  type PolyportConfig,
  printConfig,
  type ServiceModule,
  serve,
  VERSION,
} from '../host/index.js';
import {
  type CliCommand,
  type CliIO,
  EXIT,
  outputStream,
  usageError,
} from '../protocols/common/index.js';
import { environmentSets } from './client-config.js';
import { type ListedListener, listenerListing } from './listener-listing.js';
import {
  type OneLiner,
  oneLiner,
  oneLinerHelp,
  oneLinerHint,
  oneLinerSets,
  oneLinersHelp,
  plainServeSets,
} from './serve-one-liners.js';
import { useColor } from './use-color.js';

const ONE_LINERS_HELP = oneLinersHelp();

const HELP = `Usage: polyport serve [options]
${ONE_LINERS_HELP.usage}
Runs every enabled service in one process, on one event loop. With no config file, every
service listens on 127.0.0.1 at its well-known port + 10000 (HTTP 10080, FTP 10021, SMTP 10025,
DNS 10053, POP3 10110, echo 10007, ...) with sample content in ./polyport-data.

Options:
  -c, --config FILE        read the TOML config FILE
  -s, --set KEY=VALUE      override a config key (repeatable): --set http.root=./site
      --print-config       print the effective config as TOML and exit
      --log-format FORMAT  pretty (default) or json
  -q, --quiet              log warnings and errors only, and skip the listing
      --grace SECONDS      on SIGINT/SIGTERM, let connections finish this long (default 10)
      --workers N|auto     serve from N processes on the same ports (auto: one per core);
                           this one runs the admin listener and restarts a worker that dies
  -h, --help               show this help

${ONE_LINERS_HELP.section}
Environment: POLYPORT_PORT_OFFSET=N is --set portOffset=N before the other --set options (the
client commands read it too, so they find this server).

Signals: SIGINT or SIGTERM stops accepting, lets transfers finish up to the grace period and
exits 0; a second one exits at once. SIGHUP reloads the config file (with workers, one worker
after the other, so the ports stay open).

Exit status: 0 after a signal (1 when a second one cuts the grace short), 1 when a service
cannot start (the line names the service and its port, or the config key of a missing root,
zone or quotes file), 2 for a bad command line or config (one line per problem, key named).

Examples:
  polyport serve
  polyport serve --set portOffset=20000 --set dns.enabled=false
  polyport serve --config polyport.toml --log-format json
  polyport serve --config polyport.toml --workers auto
  polyport serve http . --port 8000
  polyport serve ftp ./share --write
  polyport serve smtp --accept-all
  polyport serve dns example.test.zone
`;

/**
 * `polyport serve`, running these services.
 * @param services the services it runs and whose config keys it accepts, in start-up order.
 * @returns the command.
 * @example const command = serveCommand(SERVICE_MODULES);
 */
export function serveCommand(services: readonly ServiceModule[]): CliCommand {
  return {
    name: 'serve',
    summary: 'run the servers (all of them on loopback by default)',
    help: HELP,
    run: (argv, io) => runServe(argv, io, services),
  };
}

/**
 * `polyport serve` running `services`, or every built-in service (loaded now) when none are given.
 * @param services the services to run (default: `SERVICE_MODULES`).
 * @returns the command.
 * @example await (await loadServeCommand()).run(['--quiet'], io);
 */
export async function loadServeCommand(services?: readonly ServiceModule[]): Promise<CliCommand> {
  return serveCommand(services ?? (await import('../host/services/index.js')).SERVICE_MODULES);
}

async function runServe(
  argv: readonly string[],
  io: CliIO,
  services: readonly ServiceModule[],
): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (err) {
    return usageError(io, 'serve', err, HELP);
  }
  const [name, ...args] = positionals;
  const names = services.map((s) => s.name);
  let one: OneLiner | undefined;
  if (name !== undefined) {
    try {
      one = oneLiner(name, names);
    } catch (err) {
      return usageError(io, 'serve', err, HELP);
    }
  }
  if (values.help) {
    io.stdout.write(one === undefined ? HELP : oneLinerHelp(one));
    return EXIT.OK;
  }
  let sets: string[];
  try {
    sets = [
      ...environmentSets(process.env),
      ...(one === undefined
        ? plainServeSets(values)
        : oneLinerSets(one, args, values, {
            services: names,
            config: values.config !== undefined,
            cwd: process.cwd(),
            env: process.env,
          })),
      ...(values.set ?? []),
    ];
  } catch (err) {
    return one === undefined
      ? usageError(io, 'serve', err, HELP)
      : usageError(io, `serve ${one.name}`, err, oneLinerHelp(one));
  }
  if (values['log-format'] !== undefined) sets.push(`log.format=${values['log-format']}`);
  if (values.quiet) sets.push('log.level=warn');
  if (values.workers !== undefined) sets.push(`workers=${values.workers}`);
  const load = () =>
    loadConfig({
      ...(values.config !== undefined ? { path: values.config } : {}),
      sets,
      services,
    });
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await load();
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
  if (values['print-config']) {
    io.stdout.write(printConfig(config, services));
    return EXIT.OK;
  }
  const color = useColor(io.stderr, process.env);
  const logger = createLogger({
    format: config.log.format,
    level: config.log.level,
    destination: outputStream(io.stderr),
    color,
  });
  const workers = workerCount(config);
  const graceSeconds = Number(values.grace ?? 10);
  let host: Served;
  try {
    host =
      workers > 1
        ? await Fleet.start({
            config,
            services,
            workers,
            logger,
            log: { format: config.log.format, level: config.log.level, color },
            grace: graceSeconds * 1000,
          })
        : await serve({ config, logger, services });
  } catch (err) {
    if (err instanceof HostStartError) {
      // The log lines held for the batch come first, as they were written first.
      flushLogs();
      io.stderr.write(`polyport serve: ${err.message}\n`);
      return EXIT.FAILURE;
    }
    throw err;
  }
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(EXIT.FAILURE);
      }
      stopping = true;
      logger.info(
        { signal, grace: graceSeconds },
        'stopping: no new connections, finishing transfers',
      );
      host.stop(graceSeconds * 1000).then(() => {
        logger.info('stopped');
        resolve(EXIT.OK);
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGHUP', () => {
      load()
        .then((next) => host.reload(next))
        .then(() => logger.info('config reloaded'))
        .catch((err: unknown) =>
          logger.error(
            { err: err instanceof Error ? err.message : err },
            'reload failed; keeping the old config',
          ),
        );
    });
  });
  // The handlers are in place before the listing: a script that signals as soon as it reads
  // the listing must reach them, not Node's default exit.
  if (!values.quiet) {
    const hint = one === undefined ? '' : oneLinerHint(one, config, host.listeners);
    io.stdout.write(
      listing(host.listeners, config.dataDir, host.snapshot().accelerators, hint, workers),
    );
  }
  return stopped;
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      set: { type: 'string', short: 's', multiple: true },
      'print-config': { type: 'boolean' },
      'log-format': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      grace: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      // The one-liners' (serve-one-liners.ts checks them).
      port: { type: 'string', short: 'p' },
      bind: { type: 'string', short: 'b' },
      write: { type: 'boolean', short: 'w' },
      'accept-all': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.grace !== undefined && !(Number(values.grace) >= 0)) {
    throw new Error(`--grace must be a number of seconds, got '${values.grace}'`);
  }
  return { values, positionals };
}

/** What `serve` runs: one host, or a fleet of workers behind one admin listener. */
type Served = Pick<Host, 'listeners' | 'snapshot' | 'stop' | 'reload'>;

/** The config's `workers`, with `auto` as the machine's cores. */
function workerCount(config: PolyportConfig): number {
  return config.workers === 'auto' ? availableParallelism() : config.workers;
}

function listing(
  listeners: readonly ListedListener[],
  dataDir: string,
  accelerators: Parameters<typeof describeAccelerators>[0],
  hint: string,
  workers: number,
): string {
  return [
    listenerListing(listeners, `polyport ${VERSION}`, dataDir),
    `Node.js ${process.version}; accelerators: ${describeAccelerators(accelerators)}\n`,
    workers > 1 ? `${workers} worker processes share every port (SO_REUSEPORT).\n` : '',
    adminLine(listeners),
    hint,
    'Press Ctrl-C to stop.\n',
  ].join('');
}

/**
 * Where the admin listener's web UI is, when it runs: the page a user opens to see what every
 * service did (as Mailpit prints its UI's address).
 */
function adminLine(listeners: readonly ListedListener[]): string {
  const admin = listeners.find((l) => l.service === 'admin');
  if (admin === undefined) return '';
  const host = admin.address.includes(':') ? `[${admin.address}]` : admin.address;
  return `Web UI, API and metrics: http://${host}:${admin.port}/\n`;
}
