/**
 * `polyport resolve`: what `getaddrinfo()` says about a name, one address per line.
 */
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIO, EXIT, usageError } from '../protocols/common/index.js';
import {
  type AddressInfo,
  AddressInfoError,
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  AI_CANONNAME,
  familyName,
  formatAddress,
  getaddrinfo,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
} from '../socket/index.js';

const HELP = `Usage: polyport resolve [options] NAME [PORT]

Looks NAME up with getaddrinfo (the hosts file, then DNS, as the system is configured) and
prints one line per result: family, socket type, protocol, canonical name and address. PORT
may be a number or a service name (http); with it the addresses carry the port.

Options:
  -f, --family 4|6          only IPv4 or only IPv6 addresses
  -t, --type stream|dgram   only this socket type (default: every type, as getaddrinfo gives)
  -h, --help                show this help

Exit status: 0 when the name resolved, 1 when it did not (the resolver's message is printed),
2 for bad usage.

Examples:
  polyport resolve localhost
  polyport resolve -f 4 -t stream example.com https
`;

const FAMILIES: Readonly<Record<string, number>> = { '4': AF_INET, '6': AF_INET6 };
const TYPES: Readonly<Record<string, number>> = { stream: SOCK_STREAM, dgram: SOCK_DGRAM };

/** `polyport resolve`. */
export const resolveCommand: CliCommand = {
  name: 'resolve',
  summary: 'look a host name up with getaddrinfo',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let options: ReturnType<typeof parse>;
    try {
      options = parse(argv);
    } catch (err) {
      return usageError(io, 'resolve', err, HELP);
    }
    if (options === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    let infos: AddressInfo[];
    try {
      infos = await getaddrinfo(
        options.name,
        options.port,
        options.family,
        options.type,
        0,
        AI_CANONNAME,
      );
    } catch (err) {
      if (err instanceof AddressInfoError) {
        io.stderr.write(`polyport resolve: ${err.message}\n`);
        return EXIT.FAILURE;
      }
      if (err instanceof RangeError || err instanceof TypeError) {
        io.stderr.write(`polyport resolve: ${err.message}\n`);
        return EXIT.USAGE;
      }
      throw err;
    }
    io.stdout.write(formatAddressInfo(infos, options.port !== null));
    return EXIT.OK;
  },
};

/**
 * Lays getaddrinfo's results out as a table with a header, columns padded to fit.
 * @param infos the results.
 * @param withPort show the port with each address (`127.0.0.1:80`, `[::1]:80`).
 * @returns the table, each line ending in a newline.
 * @example
 * formatAddressInfo([[2, 1, 6, 'localhost', ['127.0.0.1', 0]]], false);
 * // 'FAMILY   TYPE         PROTO  CANONNAME  ADDRESS\nAF_INET  SOCK_STREAM  tcp    localhost  127.0.0.1\n'
 */
export function formatAddressInfo(infos: readonly AddressInfo[], withPort: boolean): string {
  const rows = [
    ['FAMILY', 'TYPE', 'PROTO', 'CANONNAME', 'ADDRESS'],
    ...infos.map(([family, type, proto, canonname, sockaddr]) => [
      familyName(family),
      typeName(type),
      protoName(proto),
      canonname === '' ? '-' : canonname,
      withPort ? formatAddress(sockaddr) : String((sockaddr as readonly [string, number])[0]),
    ]),
  ];
  const widths = (rows[0] as string[]).map((_, col) =>
    Math.max(...rows.map((row) => (row[col] as string).length)),
  );
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, col) => cell.padEnd(widths[col] as number))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

function typeName(type: number): string {
  if (type === SOCK_STREAM) return 'SOCK_STREAM';
  if (type === SOCK_DGRAM) return 'SOCK_DGRAM';
  return type === SOCK_RAW ? 'SOCK_RAW' : `type ${type}`;
}

function protoName(proto: number): string {
  if (proto === IPPROTO_TCP) return 'tcp';
  if (proto === IPPROTO_UDP) return 'udp';
  return proto === 0 ? 'ip' : String(proto);
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      family: { type: 'string', short: 'f' },
      type: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help' as const;
  if (positionals.length < 1 || positionals.length > 2) throw new Error('give NAME [PORT]');
  const [name, port] = positionals as [string, string | undefined];
  if (name === '') throw new Error('the name is empty');
  const family = values.family === undefined ? AF_UNSPEC : FAMILIES[values.family];
  if (family === undefined) throw new Error(`--family must be 4 or 6, got '${values.family}'`);
  const type = values.type === undefined ? 0 : TYPES[values.type];
  if (type === undefined) throw new Error(`--type must be stream or dgram, got '${values.type}'`);
  if (port !== undefined && /^\d+$/.test(port) && Number(port) > 65535) {
    throw new Error(`port ${port} is outside 0-65535`);
  }
  return { name, port: port ?? null, family, type };
}
