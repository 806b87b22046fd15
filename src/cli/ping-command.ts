/**
 * `polyport ping`: ICMP echo requests to a host, with iputils ping's output lines, statistics
 * and exit status. The unprivileged ICMP datagram socket is used where
 * `net.ipv4.ping_group_range` allows it, a raw socket otherwise.
 */
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIO, EXIT, usageError } from '../protocols/common/index.js';
import { type EchoReply, Pinger } from '../protocols/ping/client/pinger.js';
import { AF_INET, AF_INET6, AF_UNSPEC, SocketError } from '../socket/index.js';
import { integerOption, secondsOption } from './number-option.js';
import { firstTarget } from './target-addresses.js';

const HELP = `Usage: polyport ping [options] HOST

Sends ICMP echo requests to HOST (a name or an address) once per interval and prints a line
for each reply, then the statistics: packets sent and received, loss, and round-trip times.
It uses the unprivileged ICMP datagram socket where net.ipv4.ping_group_range allows it, and a
raw socket otherwise (root or CAP_NET_RAW). Without -c it runs until interrupted (Ctrl-C).

Options:
  -c, --count COUNT        stop after COUNT requests (and their replies)
  -i, --interval SECONDS   wait SECONDS between requests (default 1)
  -W, --timeout SECONDS    wait at most SECONDS for a reply (default 10)
  -s, --size BYTES         payload bytes per request (default 56)
  -4                       IPv4 only
  -6                       IPv6 only
  -h, --help               show this help

Exit status: 0 when at least one reply came, 1 when none did, 2 for any other error (bad
usage, a name that does not resolve, no permission to open an ICMP socket).

Examples:
  polyport ping -c 3 127.0.0.1
  polyport ping -6 -c 1 -W 2 ::1
`;

interface PingOptions {
  readonly host: string;
  readonly count: number | null;
  readonly interval: number;
  readonly timeout: number;
  readonly size: number;
  readonly family: number;
}

/** `polyport ping`. */
export const pingCommand: CliCommand = {
  name: 'ping',
  summary: 'send ICMP echo requests to a host (ping)',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let options: PingOptions | 'help';
    try {
      options = parse(argv);
    } catch (err) {
      return usageError(io, 'ping', err, HELP);
    }
    if (options === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const target = await firstTarget('ping', options.host, options.family, io.stderr);
    if (target === null) return EXIT.USAGE;
    const { family, host: address } = target;
    let pinger: Pinger;
    try {
      pinger = Pinger.open(family, address, options.size);
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
      io.stderr.write(`polyport ping: ${err.message}\n`);
      return EXIT.USAGE;
    }
    try {
      return await pingLoop(pinger, family, address, options, io);
    } finally {
      pinger.close();
    }
  },
};

async function pingLoop(
  pinger: Pinger,
  family: number,
  address: string,
  options: PingOptions,
  io: CliIO,
): Promise<number> {
  const { host, size } = options;
  io.stdout.write(
    family === AF_INET6
      ? `PING ${host} (${address}) ${size} data bytes\n`
      : `PING ${host} (${address}) ${size}(${size + 28}) bytes of data.\n`,
  );
  const started = performance.now();
  const rtts: number[] = [];
  let sent = 0;
  let errors = 0;
  let stop = false;
  void io.interrupted.then(() => {
    stop = true;
  });
  const interrupted = io.interrupted.then(() => null);
  const print = (reply: EchoReply): void => {
    rtts.push(reply.rtt);
    const ttl = reply.ttl === null ? '' : ` ttl=${reply.ttl}`;
    io.stdout.write(
      `${reply.bytes} bytes from ${reply.from}: icmp_seq=${reply.sequence}${ttl} time=${formatRtt(reply.rtt)} ms\n`,
    );
  };
  // Requests go out once per interval; replies are read in between, and after the last request
  // for up to the timeout (or until every request is answered).
  while (!stop && (options.count === null || sent < options.count)) {
    sent++;
    try {
      await pinger.send(sent & 0xffff);
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
      errors++;
      io.stderr.write(`polyport ping: ${err.message}\n`);
    }
    const last = options.count !== null && sent >= options.count;
    const until = performance.now() + (last ? options.timeout : options.interval) * 1000;
    while (!stop && rtts.length + errors < sent) {
      const left = (until - performance.now()) / 1000;
      if (left <= 0) break;
      const receiving = pinger.receive(left);
      // Interrupted first: the socket is closed under the pending read, which then rejects.
      receiving.catch(() => {});
      const reply = await Promise.race([receiving, interrupted]);
      if (reply === null) break;
      print(reply);
    }
    // The rest of the interval, when the reply came early.
    const rest = last ? 0 : until - performance.now();
    if (!stop && rest > 0) await Promise.race([sleep(rest), interrupted]);
  }
  const received = rtts.length;
  const loss = sent === 0 ? 0 : Math.round(((sent - received) / sent) * 100);
  const elapsed = Math.round(performance.now() - started);
  io.stdout.write(`\n--- ${host} ping statistics ---\n`);
  io.stdout.write(
    `${sent} packets transmitted, ${received} received${errors > 0 ? `, +${errors} errors` : ''}, ${loss}% packet loss, time ${elapsed}ms\n`,
  );
  if (received > 0) {
    const min = Math.min(...rtts);
    const max = Math.max(...rtts);
    const avg = rtts.reduce((a, b) => a + b, 0) / received;
    const mdev = Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / received);
    io.stdout.write(
      `rtt min/avg/max/mdev = ${[min, avg, max, mdev].map((v) => v.toFixed(3)).join('/')} ms\n`,
    );
  }
  return received > 0 ? EXIT.OK : EXIT.FAILURE;
}

/** ping's precision: three decimals below 1 ms, fewer above. */
function formatRtt(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  return ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

function sleep(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

function parse(argv: readonly string[]): PingOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      count: { type: 'string', short: 'c' },
      interval: { type: 'string', short: 'i' },
      timeout: { type: 'string', short: 'W' },
      size: { type: 'string', short: 's' },
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
    count:
      values.count === undefined ? null : integerOption('--count', values.count, 1, 1, 1_000_000),
    interval: secondsOption('--interval', values.interval, 1),
    timeout: secondsOption('--timeout', values.timeout, 10),
    size: integerOption('--size', values.size, 56, 0, 65_507),
    family: values['4'] ? AF_INET : values['6'] ? AF_INET6 : AF_UNSPEC,
  };
}
