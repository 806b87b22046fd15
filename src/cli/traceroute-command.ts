/**
 * `polyport traceroute`: the routers on the way to a host, as traceroute(8) prints them: UDP
 * probes with a rising TTL, answered by ICMP time exceeded from each router and port
 * unreachable from the destination, read from the probes' error queues (no privilege needed).
 */
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIO, EXIT, usageError } from '../protocols/common/index.js';
import {
  type ProbeAnswer,
  TRACEROUTE_BASE_PORT,
  Tracer,
} from '../protocols/traceroute/client/tracer.js';
import { AF_INET, AF_INET6, AF_UNSPEC, gethostbyaddr, SocketError } from '../socket/index.js';
import { integerOption, secondsOption } from './number-option.js';
import { firstTarget } from './target-addresses.js';

const HELP = `Usage: polyport traceroute [options] HOST

Prints the routers on the way to HOST (a name or an address), one line per hop as it completes:
the hop number, who answered, and the round-trip time of each probe ('*' when a probe had no
answer in time). It sends UDP datagrams to port 33434 and up with a rising TTL (hop limit) and
reads the ICMP answers from the sockets' error queues (IP_RECVERR), so no privilege is needed.
It stops at the hop where HOST answers (port unreachable) or a router says it cannot be reached
(marked !H host, !N network, !P protocol, !X prohibited, !F fragmentation needed).

Options:
  -m, --max-hops HOPS      the most hops to try (default 30)
  -q, --queries N          probes per hop (default 3)
  -w, --wait SECONDS       wait at most SECONDS for each probe's answer (default 5)
  -p, --port PORT          the first destination port (default 33434; each probe uses the next)
  -n                       print addresses only, without looking names up
  -4                       IPv4 only
  -6                       IPv6 only
  -h, --help               show this help

Without -n each answering address is looked up (reverse DNS or the hosts file) for at most one
second; an address with no name is printed as itself.

Exit status: 0 when HOST answered, 1 when it did not (too many hops, unreachable, interrupted),
2 for any other error (bad usage, a name that does not resolve, a probe that cannot be sent).

Examples:
  polyport traceroute -n 127.0.0.1
  polyport traceroute -m 10 -q 1 -w 2 example.org
`;

/** How long a reverse lookup may take before the address is printed without its name. */
const NAME_LOOKUP_MS = 1000;

interface TraceOptions {
  readonly host: string;
  readonly maxHops: number;
  readonly queries: number;
  readonly wait: number;
  readonly port: number;
  readonly numeric: boolean;
  readonly family: number;
}

/** `polyport traceroute`. */
export const tracerouteCommand: CliCommand = {
  name: 'traceroute',
  summary: 'print the routers on the way to a host (traceroute)',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let options: TraceOptions | 'help';
    try {
      options = parse(argv);
    } catch (err) {
      return usageError(io, 'traceroute', err, HELP);
    }
    if (options === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const target = await firstTarget('traceroute', options.host, options.family, io.stderr);
    if (target === null) return EXIT.USAGE;
    const { family, host: address } = target;
    const tracer = new Tracer(family, address);
    try {
      return await trace(tracer, address, options, io);
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
      io.stderr.write(`polyport traceroute: ${err.message}\n`);
      return EXIT.USAGE;
    } finally {
      tracer.close();
    }
  },
};

async function trace(
  tracer: Tracer,
  address: string,
  options: TraceOptions,
  io: CliIO,
): Promise<number> {
  io.stdout.write(
    `traceroute to ${options.host} (${address}), ${options.maxHops} hops max, ${tracer.packetBytes} byte packets\n`,
  );
  let interrupted = false;
  void io.interrupted.then(() => {
    interrupted = true;
    tracer.close();
  });
  const names = new Map<string, Promise<string>>();
  const nameOf = (ip: string): Promise<string> => {
    let name = names.get(ip);
    if (name === undefined) {
      name = lookupName(ip);
      names.set(ip, name);
    }
    return name;
  };
  let port = options.port;
  for (let ttl = 1; ttl <= options.maxHops && !interrupted; ttl++) {
    // The probes of a hop go out together and the hop's line is printed when all have ended.
    const probes: Array<Promise<ProbeAnswer | null>> = [];
    for (let i = 0; i < options.queries; i++) {
      probes.push(tracer.probe(ttl, port, options.wait));
      port = port >= 65535 ? options.port : port + 1;
    }
    const answers = await Promise.all(probes);
    if (interrupted) break;
    io.stdout.write(`${await hopLine(ttl, answers, options.numeric ? null : nameOf)}\n`);
    if (answers.some((answer) => answer?.verdict.kind === 'reached')) return EXIT.OK;
    if (answers.some((answer) => answer?.verdict.kind === 'unreachable')) return EXIT.FAILURE;
  }
  return EXIT.FAILURE;
}

/**
 * One hop's line as traceroute(8) prints it: ` 1  10.0.1.1  0.123 ms  0.101 ms  0.099 ms`, the
 * address again only when another one answered, `*` for a probe without an answer.
 */
async function hopLine(
  ttl: number,
  answers: ReadonlyArray<ProbeAnswer | null>,
  nameOf: ((ip: string) => Promise<string>) | null,
): Promise<string> {
  let line = `${String(ttl).padStart(2)} `;
  let last: string | null = null;
  for (const answer of answers) {
    if (answer === null) {
      line += ' *';
      continue;
    }
    if (answer.from !== last) {
      last = answer.from;
      line +=
        nameOf === null ? ` ${answer.from}` : ` ${await nameOf(answer.from)} (${answer.from})`;
    }
    line += `  ${answer.rtt.toFixed(3)} ms`;
    if (answer.verdict.kind === 'unreachable') line += ` ${answer.verdict.mark}`;
  }
  return line;
}

/** The name of `ip`, or `ip` itself when it has none or the lookup takes too long. */
async function lookupName(ip: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(ip), NAME_LOOKUP_MS);
  });
  try {
    return await Promise.race([
      gethostbyaddr(ip).then(
        ([name]) => name,
        () => ip,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function parse(argv: readonly string[]): TraceOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      'max-hops': { type: 'string', short: 'm' },
      queries: { type: 'string', short: 'q' },
      wait: { type: 'string', short: 'w' },
      port: { type: 'string', short: 'p' },
      n: { type: 'boolean', short: 'n' },
      '4': { type: 'boolean' },
      '6': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new Error('give one HOST');
  if (values['4'] && values['6']) throw new Error('-4 and -6 exclude each other');
  return {
    host: positionals[0] as string,
    maxHops: integerOption('--max-hops', values['max-hops'], 30, 1, 255),
    queries: integerOption('--queries', values.queries, 3, 1, 10),
    wait: secondsOption('--wait', values.wait, 5),
    port: integerOption('--port', values.port, TRACEROUTE_BASE_PORT, 1, 65535),
    numeric: values.n === true,
    family: values['4'] ? AF_INET : values['6'] ? AF_INET6 : AF_UNSPEC,
  };
}
