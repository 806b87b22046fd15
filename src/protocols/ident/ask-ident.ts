/**
 * What `polyport ident` does once its command line is read (cli.ts): asks the question with the
 * ident client and prints the reply line. A file of its own so that cli.ts answers `--help` and
 * a bad command line without loading the client and the socket layer.
 */
import { type CliIO, EXIT } from '../common/cli-command.js';
import type { IdentRequest } from './cli.js';
import { ident } from './client/ident-client.js';

/**
 * Asks `request`'s server who owns the connection it names and prints the reply line.
 * @param request the parsed command line.
 * @param io the command's streams.
 * @returns {@link EXIT.OK} when the server answered, {@link EXIT.FAILURE} when it could not be
 *   reached or sent no reply.
 * @example return askIdent({ serverPort: 6193, clientPort: 23, host: '127.0.0.1', port: 10113, timeout: 10 }, io);
 */
export async function askIdent(request: IdentRequest, io: CliIO): Promise<number> {
  try {
    const reply = await ident(request.host, request.serverPort, request.clientPort, {
      port: request.port,
      timeout: request.timeout,
    });
    io.stdout.write(`${reply}\n`);
    return EXIT.OK;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`polyport ident: ${message}\n`);
    return EXIT.FAILURE;
  }
}
