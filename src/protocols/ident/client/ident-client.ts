/** The ident client (RFC 1413): ask a host who owns a connection it has with us. */
import { createConnection } from '../../../socket/index.js';

/** Options for {@link ident}. */
export interface IdentClientOptions {
  /** The server's port (default 113). */
  readonly port?: number;
  /** Seconds to wait for the connection and the reply (default 10). */
  readonly timeout?: number;
}

/**
 * Asks `host`'s ident server who owns the connection from its port `serverPort` to our port
 * `clientPort`, and returns the reply line as sent (without its line end).
 * @throws {SocketError} when the server cannot be reached; {SocketTimeoutError} when it stalls;
 *   {Error} when it closes without a reply.
 * @example await ident('127.0.0.1', 6193, 23, { port: 10113 }); // '6193, 23 : USERID : UNIX : alice'
 */
export async function ident(
  host: string,
  serverPort: number,
  clientPort: number,
  options: IdentClientOptions = {},
): Promise<string> {
  const sock = await createConnection([host, options.port ?? 113], options.timeout ?? 10);
  try {
    await sock.sendall(`${serverPort}, ${clientPort}\r\n`);
    let reply = Buffer.alloc(0);
    // A reply is one line of at most ~1000 octets: read to its end, bounded.
    while (!reply.includes(10) && reply.length < 4096) {
      const data = await sock.recv(4096);
      if (data.length === 0) break;
      reply = Buffer.concat([reply, data]);
    }
    const end = reply.indexOf(10);
    if (end === -1) throw new Error('the ident server closed without a reply');
    return reply.subarray(0, end).toString('latin1').replace(/\r$/, '');
  } finally {
    sock.close();
  }
}
