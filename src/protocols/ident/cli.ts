/**
 * `polyport ident`: the ident client (RFC 1413) on the command line. This file reads the command
 * line; the question is asked by ask-ident.ts, loaded only once the command line is good, so
 * `--help` and bad usage are answered without the client and the socket layer.
 */
import { parseArgs } from 'node:util';
// A single file, not the barrel: that loads the socket layer, which --help does not need.
import {
  type CliCommand,
  type CliIO,
  EXIT,
  localServer,
  usageError,
} from '../common/cli-command.js';
import { parseIdentQuery } from './codec/ident-query.js';

const HELP = `Usage: polyport ident [--host HOST] [--port PORT] SERVER-PORT,CLIENT-PORT

Asks an ident server (RFC 1413) which user owns the TCP connection from its port SERVER-PORT
to this host's port CLIENT-PORT, and prints its reply line.

  polyport ident 6193,23              polyport serve's ident service (127.0.0.1:10113)
  polyport ident --host h 6193,23     port 113 on h

Without --host, the server is polyport serve's ident service: 127.0.0.1 port 10113, or where
the config of --config/--set/POLYPORT_PORT_OFFSET puts it.

Options:
  --host HOST          the server (default: polyport serve's)
  --port PORT          its port (default 113 with --host)
  --config FILE        find the local server in this config file, as polyport serve reads it
  --set KEY=VALUE      a config key, as for serve (repeatable)
  -t, --timeout SECS   give up after this long (default 10)
  -h, --help           show this help

Exit status: 0 when the server answered, 1 when it could not be reached, 2 for bad usage.
`;

/** What a `polyport ident` command line asks for: the connection asked about and the server. */
export interface IdentRequest {
  /** The connection's port on the server's side. */
  readonly serverPort: number;
  /** The connection's port on this host's side. */
  readonly clientPort: number;
  /** The ident server's host. */
  readonly host: string;
  /** The ident server's port. */
  readonly port: number;
  /** Seconds to wait for the reply. */
  readonly timeout: number;
}

/** `polyport ident`. */
export const identCommand: CliCommand = {
  name: 'ident',
  summary: 'ask an ident server who owns a connection',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      return usageError(io, 'ident', err, HELP);
    }
    if (parsed.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const query = parseIdentQuery(parsed.positionals[0] ?? '');
    if (query.type !== 'query') {
      return usageError(io, 'ident', new Error('give SERVER-PORT,CLIENT-PORT (1-65535)'), HELP);
    }
    const given = parsed.values.host;
    const { host, port } =
      given === undefined
        ? localServer(io, 'ident', 113)
        : { host: given, port: Number(parsed.values.port ?? 113) };
    // The client and the socket layer load only now: --help and a bad command line are
    // answered without them, as fast as Node starts.
    const { askIdent } = await import('./ask-ident.js');
    return askIdent(
      {
        serverPort: query.serverPort,
        clientPort: query.clientPort,
        host,
        port,
        timeout: Number(parsed.values.timeout ?? 10),
      },
      io,
    );
  },
};

function parse(argv: readonly string[]) {
  const result = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      timeout: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (result.positionals.length > 1) throw new Error('give one SERVER-PORT,CLIENT-PORT');
  const port = result.values.port;
  if (port !== undefined && !/^\d+$/.test(port)) throw new Error(`bad --port '${port}'`);
  if (result.values.timeout !== undefined && !(Number(result.values.timeout) > 0)) {
    throw new Error(
      `--timeout must be a positive number of seconds, got '${result.values.timeout}'`,
    );
  }
  return result;
}
