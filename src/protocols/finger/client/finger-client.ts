/**
 * The finger client: send one query, read the reply until the server closes.
 */
import { createConnection } from '../../../socket/index.js';

/** Options for {@link finger}. */
export interface FingerClientOptions {
  /** The server's port (default 79). */
  readonly port?: number;
  /** Seconds to wait for the connection and for each read (default 10). */
  readonly timeout?: number;
  /** The most reply bytes read (default 1 MiB): a server that never stops is cut off. */
  readonly maxReplyBytes?: number;
}

/**
 * Asks a finger server about `query` (`''` lists users, `'demo'`, `'/W demo'`).
 * @returns the reply text (as sent, Latin-1 decoded).
 * @throws {SocketError} when the server cannot be reached; {SocketTimeoutError} when it stalls.
 * @example console.log(await finger('demo', '127.0.0.1', { port: 10079 }));
 */
export async function finger(
  query: string,
  host: string,
  options: FingerClientOptions = {},
): Promise<string> {
  if (/[\r\n]/.test(query)) throw new TypeError('finger(): the query must be one line');
  const max = options.maxReplyBytes ?? 1024 * 1024;
  const sock = await createConnection([host, options.port ?? 79], options.timeout ?? 10);
  try {
    await sock.sendall(`${query}\r\n`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const data = await sock.recv(65536);
      if (data.length === 0) break;
      chunks.push(data);
      total += data.length;
      if (total >= max) break;
    }
    return Buffer.concat(chunks).subarray(0, max).toString('latin1');
  } finally {
    sock.close();
  }
}
