/**
 * `ftp://` URLs as the `polyport ftp` command takes them (RFC 1738 3.2): user, password, host,
 * port and path, percent-decoded.
 */

/** A parsed FTP URL. */
export interface FtpUrl {
  readonly host: string;
  readonly port: number;
  /** The user, or `null` when the URL names none. */
  readonly user: string | null;
  /** The password, or `null` when the URL gives none. */
  readonly password: string | null;
  /** The path after the host, decoded, without the leading `/` (RFC 1738: relative to login). */
  readonly path: string;
}

const URL_FORM =
  /^ftps?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/[\]]+)(?::(\d{1,5}))?(\/.*)?$/i;

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SyntaxError(`bad percent-encoding in the ${what}: ${text}`);
  }
}

/**
 * Parses an `ftp://user:pass@host:port/path` URL.
 *
 * @param text The URL.
 * @param defaultPort The port when the URL gives none (polyport's default is 10021).
 * @returns The parts.
 * @throws {SyntaxError} If the text is not an ftp:// URL or holds bad percent-encoding.
 * @throws {RangeError} If the port is above 65535 or 0.
 * @example
 * parseFtpUrl('ftp://demo:demo@127.0.0.1/pub/a%20b.txt', 10021);
 * // { host: '127.0.0.1', port: 10021, user: 'demo', password: 'demo', path: 'pub/a b.txt' }
 */
export function parseFtpUrl(text: string, defaultPort: number): FtpUrl {
  const m = URL_FORM.exec(text.trim());
  if (!m) throw new SyntaxError(`not an ftp:// URL: ${text}`);
  const [, user, password, rawHost = '', portText, rawPath] = m;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (port < 1 || port > 65535) throw new RangeError(`port out of range: ${portText}`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  // RFC 1738 3.2.3: ";type=i" may end the path; the command always uses binary anyway.
  const path = decode((rawPath ?? '/').slice(1).replace(/;type=[aid]$/i, ''), 'path');
  return {
    host,
    port,
    user: user === undefined ? null : decode(user, 'user'),
    password: password === undefined ? null : decode(password, 'password'),
    path,
  };
}

/**
 * Whether the URL names a folder (its path empty or ending in `/`) rather than a file: an
 * upload there takes the local file's name.
 * @example namesFolder(parseFtpUrl('ftp://127.0.0.1/upload/', 21)); // true
 */
export function namesFolder(url: FtpUrl): boolean {
  return url.path === '' || url.path.endsWith('/');
}

/**
 * Tells whether a host is a loopback name or address (where polyport's sample demo/demo works).
 *
 * @param host A host name or address.
 * @returns `true` for `localhost`, `127.x.x.x`, `::1`.
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(h) ||
    h.startsWith('::ffff:127.')
  );
}
