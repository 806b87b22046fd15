/**
 * The `host[:port]` after a finger query's `@`, split into where to connect. Text only, so the
 * command line reads it without loading the client and the socket layer.
 */

/**
 * Splits a finger target — `host`, `host:port`, `[v6]` or `[v6]:port` — into where to connect.
 * @param target the text after `@` in a query.
 * @param defaultPort the port when the target names none.
 * @returns the host and port.
 * @example splitHostPort('[::1]:10079', 79); // { host: '::1', port: 10079 }
 */
export function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracket)
    return { host: bracket[1] as string, port: bracket[2] ? Number(bracket[2]) : defaultPort };
  const colon = target.lastIndexOf(':');
  if (colon > 0 && target.indexOf(':') === colon && /^\d+$/.test(target.slice(colon + 1))) {
    return { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
  }
  return { host: target, port: defaultPort };
}
