/**
 * `polyport scan`: a TCP connect scan of one host, as `nmap -sT` does it, with polyport sockets.
 */
import { parseArgs } from 'node:util';
import {
  type CliCommand,
  type CliIO,
  EXIT,
  type ProgressBar,
  progressBar,
  usageError,
} from '../protocols/common/index.js';
import { AddressInfoError, getservbyport, SOCK_STREAM } from '../socket/index.js';
import { integerOption, secondsOption } from './number-option.js';
import { parsePortList } from './port-list.js';
import { type PortResult, type PortState, scanPorts } from './port-scanner.js';
import { targetAddresses } from './target-addresses.js';

const HELP = `Usage: polyport scan [options] HOST PORTS

Tries a TCP connection to each of PORTS on HOST (a connect scan: connect_ex, then close) and
prints the open ones with their service names from /etc/services ('?' when unknown).

PORTS is a comma-separated list of ports and ranges: 22  1-1024  80,443,8000-8100
(at most 65535 ports).

Options:
  -c, --concurrency N   connection attempts in flight at once (default 100)
  -t, --timeout SECS    how long each attempt may take (default 1); a port that does not
                        answer in time is counted as filtered
      --no-progress     draw no progress bar
  -h, --help            show this help

A progress bar is drawn on stderr when stderr is a terminal. Scan only hosts you are allowed to.

Exit status: 0 when the scan ran (whether or not any port was open), 1 when HOST does not
resolve or the scan was interrupted, 2 for bad usage (including a bad port list).

Examples:
  polyport scan 127.0.0.1 1-1024
  polyport scan -c 20 -t 0.5 localhost 22,80,10000-10200
`;

/** `polyport scan`. */
export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'find the open TCP ports of a host (connect scan)',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let options: ReturnType<typeof parse>;
    try {
      options = parse(argv);
    } catch (err) {
      return usageError(io, 'scan', err, HELP);
    }
    if (options === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const { host, ports, concurrency, timeout, noProgress } = options;
    let target: { family: number; host: string };
    try {
      const [first] = await targetAddresses(host, 0, SOCK_STREAM);
      if (first === undefined) throw new AddressInfoError('EAI_NONAME', { addr: host });
      target = first;
    } catch (err) {
      if (!(err instanceof AddressInfoError)) throw err;
      io.stderr.write(`polyport scan: ${err.message}\n`);
      return EXIT.FAILURE;
    }
    const name = target.host === host ? host : `${host} (${target.host})`;
    io.stdout.write(
      `Scanning ${name}: ${count(ports.length, 'port')}, ${concurrency} at a time, ${timeout} s timeout\n`,
    );
    const report = new ScanReport(io, ports, noProgress);
    const stop = new AbortController();
    void io.interrupted.then(() => stop.abort());
    const started = performance.now();
    await scanPorts(target.host, ports, {
      family: target.family,
      concurrency,
      timeout,
      signal: stop.signal,
      onResult: (result) => report.add(result),
    });
    report.finish();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const tally = report.tally;
    const parts = [`${tally.open} open`, `${tally.closed} closed`, `${tally.filtered} filtered`];
    if (tally.error > 0) parts.push(`${tally.error} failed on our side`);
    const done = report.done;
    const what = done === ports.length ? count(done, 'port') : `${done} of ${ports.length} ports`;
    if (tally.open === 0 && done === ports.length) io.stdout.write('No open ports.\n');
    io.stdout.write(`Scanned ${what} on ${name} in ${seconds} s: ${parts.join(', ')}.\n`);
    if (stop.signal.aborted) {
      io.stderr.write('polyport scan: interrupted\n');
      return EXIT.FAILURE;
    }
    return EXIT.OK;
  },
};

/**
 * Prints open ports in the order of the port list as soon as every port before them is done,
 * so the output is sorted yet appears while the scan runs.
 */
class ScanReport {
  readonly tally: Record<PortState, number> = { open: 0, closed: 0, filtered: 0, error: 0 };
  readonly #io: CliIO;
  readonly #positions = new Map<number, number>();
  readonly #results: Array<PortResult | undefined>;
  readonly #bar: ProgressBar | null;
  #cursor = 0;
  #headed = false;
  done = 0;

  constructor(io: CliIO, ports: readonly number[], noProgress: boolean) {
    this.#io = io;
    for (const [index, port] of ports.entries()) this.#positions.set(port, index);
    this.#results = new Array(ports.length);
    this.#bar = progressBar(io, ports.length, { unit: 'ports', noProgress });
  }

  add(result: PortResult): void {
    this.done++;
    this.tally[result.state]++;
    this.#results[this.#positions.get(result.port) as number] = result;
    for (let r = this.#results[this.#cursor]; r !== undefined; r = this.#results[this.#cursor]) {
      this.#cursor++;
      if (r.state === 'open') this.#print(r.port);
    }
    this.#bar?.update(this.done);
  }

  finish(): void {
    this.#bar?.finish();
    // After an interrupt the ports scanned beyond a gap are still worth printing.
    for (const r of this.#results.slice(this.#cursor)) {
      if (r?.state === 'open') this.#print(r.port);
    }
  }

  #print(port: number): void {
    if (!this.#headed) {
      this.#headed = true;
      this.#line(`${'PORT'.padEnd(10)} ${'STATE'.padEnd(6)} SERVICE`);
    }
    this.#line(`${`${port}/tcp`.padEnd(10)} ${'open'.padEnd(6)} ${serviceName(port)}`);
  }

  #line(text: string): void {
    if (this.#bar !== null && this.#io.isTTY) this.#bar.print(text, this.#io.stdout);
    else this.#io.stdout.write(`${text}\n`);
  }
}

function serviceName(port: number): string {
  try {
    return getservbyport(port, 'tcp');
  } catch {
    return '?';
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      concurrency: { type: 'string', short: 'c' },
      timeout: { type: 'string', short: 't' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help' as const;
  if (positionals.length !== 2) throw new Error('give HOST and PORTS');
  const [host, list] = positionals as [string, string];
  if (host === '') throw new Error('the host name is empty');
  let ports: number[];
  try {
    ports = parsePortList(list);
  } catch (err) {
    throw new Error(`bad port list: ${(err as Error).message}`);
  }
  return {
    host,
    ports,
    concurrency: integerOption('--concurrency', values.concurrency, 100, 1, 10000),
    timeout: secondsOption('--timeout', values.timeout, 1),
    noProgress: values['no-progress'] === true,
  };
}
