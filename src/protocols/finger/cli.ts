/**
 * `polyport finger`: the finger client on the command line. This file reads the command line;
 * the query is sent by ask-finger.ts, loaded only once the command line is good, so `--help` and
 * bad usage are answered without the client and the socket layer.
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
import { splitHostPort } from './codec/split-host-port.js';

const HELP = `Usage: polyport finger [-l] [user][@host[:port]]

Asks a finger server (RFC 1288) about a user, or for the list of users.

  polyport finger               list users on polyport serve's finger service (127.0.0.1:10079)
  polyport finger demo          one user there
  polyport finger -l demo       the long form (/W)
  polyport finger demo@host     port 79 on host
  polyport finger @host:10079   list users on host, port 10079

Without a host, the server is polyport serve's finger service: 127.0.0.1 port 10079, or where
the config of --config/--set/POLYPORT_PORT_OFFSET puts it. With a host and no port, the
standard port 79.

Options:
  --config FILE        find the local server in this config file, as polyport serve reads it
  --set KEY=VALUE      a config key, as for serve (repeatable): --set portOffset=40000
  -l, --long           ask for the verbose form (/W)
  -t, --timeout SECS   give up after this long (default 10)
  -h, --help           show this help

Exit status: 0 when the server answered, 1 when it could not be reached, 2 for bad usage.
`;

/** What a `polyport finger` command line asks for: the query line and where to send it. */
export interface FingerRequest {
  /** The query line, without its CRLF (`''`, `demo`, `/W demo`, `demo@elsewhere`). */
  readonly query: string;
  /** The server's host. */
  readonly host: string;
  /** The server's port. */
  readonly port: number;
  /** Seconds to wait for the connection and for each read. */
  readonly timeout: number;
}

/** `polyport finger`. */
export const fingerCommand: CliCommand = {
  name: 'finger',
  summary: 'ask a finger server about a user',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      return usageError(io, 'finger', err, HELP);
    }
    if (parsed.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const target = parsed.positionals[0] ?? '';
    const at = target.lastIndexOf('@');
    const user = at === -1 ? target : target.slice(0, at);
    const { host, port } =
      at === -1 ? localServer(io, 'finger', 79) : splitHostPort(target.slice(at + 1), 79);
    if (host === '') {
      io.stderr.write('polyport finger: empty host name\n');
      return EXIT.USAGE;
    }
    const query = parsed.values.long ? `/W ${user}`.trimEnd() : user;
    // The client and the socket layer load only now: --help and a bad command line are
    // answered without them, as fast as Node starts.
    const { askFinger } = await import('./ask-finger.js');
    return askFinger({ query, host, port, timeout: Number(parsed.values.timeout ?? 10) }, io);
  },
};

function parse(argv: readonly string[]) {
  const result = parseArgs({
    args: [...argv],
    options: {
      long: { type: 'boolean', short: 'l' },
      timeout: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (result.positionals.length > 1) throw new Error('give one [user][@host] at most');
  // A line break would end the query early and smuggle a second line to the server.
  if (/[\r\n]/.test(result.positionals[0] ?? '')) throw new Error('the query must be one line');
  if (result.values.timeout !== undefined && !(Number(result.values.timeout) > 0)) {
    throw new Error(
      `--timeout must be a positive number of seconds, got '${result.values.timeout}'`,
    );
  }
  return result;
}
