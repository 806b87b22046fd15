/**
 * `polyport dig`: asks a DNS server one question and prints the answer the way ISC's `dig`
 * does, with the `Resolver` underneath.
 */
import { parseArgs } from 'node:util';
// Single files, not the barrels: those load the socket layer, which --help does not need.
import {
  type CliCommand,
  type CliIO,
  EXIT,
  type LocalServer,
  localServer,
  usageError,
} from '../common/cli-command.js';
import { suggest } from '../common/suggest.js';
import { RRType, typeFromString } from './codec/constants.js';
import { normalizeName } from './codec/name.js';
import { reverseName } from './codec/reverse-name.js';

const HELP = `Usage: polyport dig [@SERVER] NAME [TYPE] [-p PORT] [+tcp] [+norecurse] [+short]
       polyport dig [@SERVER] -x ADDRESS

Asks a DNS server one question and prints the answer as dig does.

  polyport dig www.example.test               A record from polyport serve (127.0.0.1:10053)
  polyport dig example.test MX                another type
  polyport dig @127.0.0.1 -p 53 example.org   another server and port
  polyport dig -x 127.0.0.1                   reverse lookup (PTR)
  polyport dig +short big.example.test TXT    only the record data
  polyport dig +tcp big.example.test TXT      over TCP

Without @SERVER the server is polyport serve's DNS service: 127.0.0.1 port 10053, or where the
config of --config/--set/POLYPORT_PORT_OFFSET puts it; with @SERVER and no -p, port 53. A
truncated UDP answer is asked again over TCP.

Options:
  --config FILE        find the local server in this config file, as polyport serve reads it
  --set KEY=VALUE      a config key, as for serve (repeatable): --set portOffset=40000
  @SERVER              the server's IP address
  -p, --port PORT      the server's port
  -t, --type TYPE      the record type (default A, PTR with -x)
  -x, --reverse ADDR   look up the name of an IPv4 or IPv6 address
      --timeout SECS   wait this long for each try (default 5)
  +tcp / +notcp        ask over TCP / UDP (default UDP)
  +recurse / +norecurse   set or clear RD (default set)
  +edns / +noedns      send an EDNS OPT record (default on, 1232 bytes)
  +bufsize=N           the EDNS UDP payload size to advertise
  +dnssec              set the DO bit
  +short               print only the answer's record data
  -h, --help           show this help

Exit status: 0 when an answer came back (whatever its status), 1 when none did, 2 for bad usage.
`;

/** dig's `+` options this command knows, for a did-you-mean. */
const PLUS_OPTIONS = [
  '+tcp',
  '+notcp',
  '+vc',
  '+novc',
  '+recurse',
  '+norecurse',
  '+edns',
  '+noedns',
  '+bufsize=',
  '+dnssec',
  '+short',
  '+noshort',
];

/** What a `polyport dig` command line asks for: the question, where to send it and how. */
export interface DigRequest {
  /** The name asked about, normalized (`www.example.test.`). */
  readonly name: string;
  /** The record type (`RRType`). */
  readonly type: number;
  /** The server's host and port. */
  readonly server: readonly [string, number];
  /** Ask over TCP (`+tcp`) rather than UDP. */
  readonly tcp: boolean;
  /** Set RD, recursion desired (`+norecurse` clears it). */
  readonly recurse: boolean;
  /** The EDNS UDP payload size to advertise, or `false` for no OPT record (`+noedns`). */
  readonly edns: number | false;
  /** Set the DO bit (`+dnssec`). */
  readonly dnssec: boolean;
  /** Print only the answer's record data (`+short`). */
  readonly short: boolean;
  /** Seconds to wait for each try. */
  readonly timeout: number;
}

/** `polyport dig`. */
export const digCommand: CliCommand = {
  name: 'dig',
  summary: 'ask a DNS server a question and print the answer as dig does',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let request: DigRequest | 'help';
    try {
      request = parse(argv, localServer(io, 'dns', 53));
    } catch (err) {
      return usageError(io, 'dig', err, HELP);
    }
    if (request === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    // The resolver and the socket layer load only now: --help and a bad command line are
    // answered without them, as fast as Node starts.
    const { askDig } = await import('./ask-dig.js');
    return askDig(request, argv, io);
  },
};

/**
 * Reads dig's mixed syntax: `@server`, `+option`, `-p`, `-x` and up to two positionals (name,
 * type), in any order.
 */
function parse(argv: readonly string[], local: LocalServer): DigRequest | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', short: 'p' },
      type: { type: 'string', short: 't' },
      reverse: { type: 'string', short: 'x' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help';
  let server: string | null = null;
  let tcp = false;
  let recurse = true;
  let edns: number | false = 1232;
  let dnssec = false;
  let short = false;
  const words: string[] = [];
  for (const arg of positionals) {
    if (arg.startsWith('@')) {
      server = arg.slice(1);
      if (server === '') throw new Error('empty server after @');
    } else if (arg.startsWith('+')) {
      const option = arg.slice(1).toLowerCase();
      const bufsize = /^bufsize=(\d+)$/.exec(option);
      if (option === 'tcp' || option === 'vc') tcp = true;
      else if (option === 'notcp' || option === 'novc') tcp = false;
      else if (option === 'recurse' || option === 'rec') recurse = true;
      else if (option === 'norecurse' || option === 'norec') recurse = false;
      else if (option === 'edns') edns = edns === false ? 1232 : edns;
      else if (option === 'noedns') edns = false;
      else if (option === 'dnssec') dnssec = true;
      else if (option === 'short') short = true;
      else if (option === 'noshort') short = false;
      else if (bufsize !== null) edns = Math.max(512, Math.min(65535, Number(bufsize[1])));
      else {
        const near = suggest(arg, PLUS_OPTIONS);
        throw new Error(
          `unknown option ${arg}${near === undefined ? '' : ` (did you mean ${near}?)`}`,
        );
      }
    } else words.push(arg);
  }
  let name: string | undefined;
  let type: number | undefined;
  if (values.reverse !== undefined) {
    try {
      name = reverseName(values.reverse);
    } catch {
      throw new Error(`-x needs an IP address, got '${values.reverse}'`);
    }
    type = RRType.PTR;
  }
  // As dig: a word that names a type (and has no dot) is the type, the other is the name,
  // in either order.
  for (const word of words) {
    if (type === undefined || (values.reverse !== undefined && type === RRType.PTR)) {
      const asType = word.includes('.') ? undefined : typeFromString(word);
      if (asType !== undefined) {
        type = asType;
        continue;
      }
    }
    if (name !== undefined) throw new Error(`unexpected argument '${word}'`);
    name = word;
  }
  if (values.type !== undefined) type = typeOf(values.type);
  try {
    name = normalizeName(name ?? '.');
  } catch (err) {
    throw new Error(`bad name '${name}': ${(err as Error).message}`);
  }
  const port =
    values.port === undefined ? (server === null ? local.port : 53) : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`-p needs a port number 1-65535, got '${values.port}'`);
  }
  const timeout = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!(timeout > 0)) throw new Error(`--timeout needs a positive number of seconds`);
  return {
    name,
    type: type ?? RRType.A,
    server: [server ?? local.host, port],
    tcp,
    recurse,
    edns: dnssec && edns === false ? 1232 : edns,
    dnssec,
    short,
    timeout,
  };
}

function typeOf(word: string): number {
  const type = typeFromString(word);
  if (type === undefined) throw new Error(`unknown record type '${word}'`);
  return type;
}
