/**
 * The ident query (RFC 1413 section 3): `<port-on-server> , <port-on-client>`, the pair that
 * names one TCP connection between the asking host and the server's host.
 */

/** A query's port pair, or the line that was not one. */
export type IdentQuery =
  | {
      readonly type: 'query';
      /** The connection's port on the ident server's host. */
      readonly serverPort: number;
      /** The connection's port on the asking host. */
      readonly clientPort: number;
    }
  | {
      readonly type: 'invalid';
      /** The ports as far as they could be read (0 when not), to echo in the error reply. */
      readonly serverPort: number;
      readonly clientPort: number;
    };

const PAIR = /^[ \t]*(\d{1,5})[ \t]*,[ \t]*(\d{1,5})[ \t]*$/;

/**
 * Parses one query line (without its line end). A port outside 1–65535, or anything that is
 * not two decimal ports and a comma, is `invalid` (answered `ERROR : INVALID-PORT`).
 *
 * @param line the line's text.
 * @returns the query.
 * @example
 * parseIdentQuery('6193, 23'); // { type: 'query', serverPort: 6193, clientPort: 23 }
 * parseIdentQuery('0, 23').type; // 'invalid'
 */
export function parseIdentQuery(line: string): IdentQuery {
  const match = PAIR.exec(line);
  const serverPort = match ? Number(match[1]) : 0;
  const clientPort = match ? Number(match[2]) : 0;
  const valid = (port: number): boolean => port >= 1 && port <= 65535;
  if (match && valid(serverPort) && valid(clientPort)) {
    return { type: 'query', serverPort, clientPort };
  }
  return {
    type: 'invalid',
    serverPort: valid(serverPort) ? serverPort : 0,
    clientPort: valid(clientPort) ? clientPort : 0,
  };
}
