/**
 * `polyport dig`: asks a DNS server one question and prints the answer the way ISC's `dig`
 * does, with the `Resolver` underneath.
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
import type { DigOptions, DigRequest } from './dig-request.js';

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

/** dig's dash options, as `parseArgs` reads them; `+` options and the rest are positionals. */
const DIG_OPTIONS = {
  port: { type: 'string', short: 'p' },
  type: { type: 'string', short: 't' },
  reverse: { type: 'string', short: 'x' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `polyport dig`. */
export const digCommand: CliCommand = {
  name: 'dig',
  summary: 'ask a DNS server a question and print the answer as dig does',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let args: { values: DigOptions & { readonly help?: boolean }; positionals: string[] };
    try {
      args = parseArgs({ args: [...argv], options: DIG_OPTIONS, allowPositionals: true });
    } catch (err) {
      return usageError(io, 'dig', err, HELP);
    }
    if (args.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    // The question's reader (the DNS codec) loads only now, so --help is answered as fast as
    // Node starts; the resolver and the socket layer only once the question reads, so a bad one
    // is answered without them.
    const { digRequest } = await import('./dig-request.js');
    let request: DigRequest;
    try {
      request = digRequest(args.values, args.positionals, localServer(io, 'dns', 53));
    } catch (err) {
      return usageError(io, 'dig', err, HELP);
    }
    const { askDig } = await import('./ask-dig.js');
    return askDig(request, argv, io);
  },
};
