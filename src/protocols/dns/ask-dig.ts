/**
 * What `polyport dig` does once its command line is read (cli.ts): asks the question with the
 * `Resolver` and prints the answer as ISC's `dig` does. A file of its own so that cli.ts answers
 * `--help` and a bad command line without loading the resolver and the socket layer.
 */
import { AddressInfoError, SocketError } from '../../socket/index.js';
// The socket layer's clock, not performance.now(): that would load node:perf_hooks for one reading.
import { monotonicMs } from '../../socket/monotonic-ms.js';
import { type CliIO, EXIT } from '../common/cli-command.js';
import { serverText } from './client/dns-exchange.js';
import { Resolver } from './client/resolver.js';
import { DnsError } from './client/resolver-errors.js';
import { formatMessage } from './codec/format-message.js';
import { formatRdata } from './codec/presentation.js';
import type { DigRequest } from './dig-request.js';

/**
 * Asks `request`'s question and prints the answer (or only its records' data, for `+short`).
 * @param request the parsed command line.
 * @param argv the command line as given, echoed in dig's header.
 * @param io the command's streams.
 * @returns {@link EXIT.OK} when an answer came back (whatever its status), else
 *   {@link EXIT.FAILURE}.
 * @throws what the resolver throws that is neither a DNS nor a socket error (a bug).
 * @example return askDig(request, argv, io);
 */
export async function askDig(
  request: DigRequest,
  argv: readonly string[],
  io: CliIO,
): Promise<number> {
  const resolver = new Resolver({ server: request.server, timeout: request.timeout });
  const started = monotonicMs();
  try {
    const result = await Promise.race([
      resolver.queryWithSize(request.name, request.type, {
        tcp: request.tcp,
        recursion: request.recurse,
        edns: request.edns,
        dnssecOk: request.dnssec,
      }),
      io.interrupted.then(() => null),
    ]);
    if (result === null) return EXIT.FAILURE;
    const ms = Math.round(monotonicMs() - started);
    if (request.short) {
      for (const record of result.response.answers) {
        io.stdout.write(`${formatRdata(record.data)}\n`);
      }
      return EXIT.OK;
    }
    const [host, port] = request.server;
    io.stdout.write(
      `\n; <<>> polyport dig <<>> ${argv.join(' ')}\n;; global options: +cmd\n;; Got answer:\n` +
        `${formatMessage(result.response)}\n` +
        `;; Query time: ${ms} msec\n` +
        `;; SERVER: ${host}#${port}(${host}) (${result.tcp ? 'TCP' : 'UDP'})\n` +
        `;; MSG SIZE  rcvd: ${result.size}\n\n`,
    );
    return EXIT.OK;
  } catch (err) {
    if (err instanceof AddressInfoError) {
      // As ISC dig: the server's name did not resolve, so no question was asked.
      const [host] = request.server;
      io.stderr.write(`polyport dig: couldn't get address for '${host}': ${err.message}\n`);
      return EXIT.FAILURE;
    }
    if (err instanceof DnsError || err instanceof SocketError) {
      const where = serverText(request.server);
      io.stderr.write(`;; communications error to ${where}: ${err.message}\n`);
      io.stderr.write(';; no servers could be reached\n');
      return EXIT.FAILURE;
    }
    throw err;
  }
}
