/**
 * What `polyport finger` does once its command line is read (cli.ts): sends the query with the
 * finger client and prints the reply. A file of its own so that cli.ts answers `--help` and a
 * bad command line without loading the client and the socket layer.
 */
import { SocketError } from '../../socket/index.js';
import { type CliIO, EXIT } from '../common/cli-command.js';
import type { FingerRequest } from './cli.js';
import { finger } from './client/finger-client.js';

/**
 * Sends `request`'s query and prints the reply with this system's line endings.
 * @param request the parsed command line.
 * @param io the command's streams.
 * @returns {@link EXIT.OK} when the server answered, {@link EXIT.FAILURE} when it could not be
 *   reached.
 * @example return askFinger({ query: 'demo', host: '127.0.0.1', port: 10079, timeout: 10 }, io);
 */
export async function askFinger(request: FingerRequest, io: CliIO): Promise<number> {
  try {
    const reply = await finger(request.query, request.host, {
      port: request.port,
      timeout: request.timeout,
    });
    io.stdout.write(reply.replace(/\r\n/g, '\n'));
    return EXIT.OK;
  } catch (err) {
    const message = err instanceof SocketError ? err.message : String(err);
    io.stderr.write(`polyport finger: ${message}\n`);
    return EXIT.FAILURE;
  }
}
