/**
 * `polyport services`: the service table, as `getservbyname()` and `getservbyport()` see it.
 */
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIO, EXIT, usageError } from '../protocols/common/index.js';
import {
  getservbyname,
  getservbyport,
  type ServiceEntry,
  SocketError,
  servicesTable,
} from '../socket/index.js';

const HELP = `Usage: polyport services [options] [NAME|PORT]

Looks a service up by name (getservbyname) or by port (getservbyport) in /etc/services and
polyport's built-in table, and prints the matching entries. With no argument it prints the
whole table, ordered by port.

Options:
  -p, --proto tcp|udp   only entries for this protocol
  -h, --help            show this help

Exit status: 0 when something was found, 1 when nothing was, 2 for bad usage.

Examples:
  polyport services http
  polyport services 53
  polyport services --proto udp
`;

/** `polyport services`. */
export const servicesCommand: CliCommand = {
  name: 'services',
  summary: 'look up service names and ports (/etc/services)',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let options: ReturnType<typeof parse>;
    try {
      options = parse(argv);
    } catch (err) {
      return usageError(io, 'services', err, HELP);
    }
    if (options === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const { query, proto } = options;
    const table = servicesTable().filter((s) => proto === null || s.proto === proto);
    let found: ServiceEntry[];
    try {
      if (query === null) found = table;
      else if (typeof query === 'number') {
        getservbyport(query, proto);
        found = table.filter((s) => s.port === query);
      } else {
        const port = getservbyname(query, proto);
        found = table.filter(
          (s) => s.port === port && (s.name === query || s.aliases.includes(query)),
        );
      }
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
      const what = typeof query === 'number' ? `port ${query}` : `service '${query}'`;
      io.stderr.write(`polyport services: no ${what}${proto === null ? '' : `/${proto}`} known\n`);
      return EXIT.FAILURE;
    }
    if (found.length === 0) {
      io.stderr.write('polyport services: no services known\n');
      return EXIT.FAILURE;
    }
    io.stdout.write(formatServices(found));
    return EXIT.OK;
  },
};

/**
 * Lays service entries out as `/etc/services` does: name, port/proto, aliases.
 * @param entries the entries to print.
 * @returns one line per entry, columns aligned, each ending in a newline.
 * @example
 * formatServices([{ name: 'http', port: 80, proto: 'tcp', aliases: ['www'] }]);
 * // 'http  80/tcp  www\n'
 */
export function formatServices(entries: readonly ServiceEntry[]): string {
  const nameWidth = Math.max(0, ...entries.map((s) => s.name.length));
  const portWidth = Math.max(0, ...entries.map((s) => `${s.port}/${s.proto}`.length));
  return entries
    .map((s) =>
      `${s.name.padEnd(nameWidth)}  ${`${s.port}/${s.proto}`.padEnd(portWidth)}  ${s.aliases.join(' ')}`.trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      proto: { type: 'string', short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help' as const;
  if (positionals.length > 1) throw new Error('give one NAME or PORT at most');
  const proto = values.proto ?? null;
  if (proto !== null && proto !== 'tcp' && proto !== 'udp') {
    throw new Error(`--proto must be tcp or udp, got '${proto}'`);
  }
  const arg = positionals[0];
  if (arg === undefined) return { query: null, proto };
  if (/^\d+$/.test(arg)) {
    const port = Number(arg);
    if (port > 65535) throw new Error(`port ${arg} is outside 0-65535`);
    return { query: port, proto };
  }
  if (arg === '') throw new Error('the service name is empty');
  return { query: arg, proto };
}
