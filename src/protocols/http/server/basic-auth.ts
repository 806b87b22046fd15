/**
 * `basicAuth()`: HTTP Basic authentication (RFC 7617) in front of a chain of handlers, for a
 * path prefix.
 */
import { createHash } from 'node:crypto';
import { unmatchablePasswordHash, verifyPassword } from '../../common/index.js';
import type { HttpHandler } from './http-handler.js';
import type { HttpRequest } from './http-request.js';

/** Checks a password against a stored hash (default: scrypt's `verifyPassword`). */
export type PasswordVerifier = (password: string, stored: string) => boolean | Promise<boolean>;

/** Options for {@link basicAuth}. */
export interface BasicAuthOptions {
  /** The protection space named in the challenge. */
  readonly realm: string;
  /** The path prefix protected (default `'/'`). */
  readonly prefix?: string;
  /** User name → stored password hash. */
  readonly users: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Compares a password with a stored hash (default: `verifyPassword`, scrypt hash strings). */
  readonly verify?: PasswordVerifier;
  /** Successful logins remembered, so scrypt is not run on every request (default 256). */
  readonly cacheSize?: number;
}

/**
 * Protects `handlers` under `prefix`: a request there without valid credentials gets 401 with
 * a `WWW-Authenticate: Basic` challenge; with them, `request.user` is set (for the access log)
 * and the first of `handlers` that matches answers (404 when none does). Verified credentials
 * are remembered by their SHA-256, never in clear, so a hash costly by design is computed once.
 *
 * @param options Realm, prefix, users and the verifier.
 * @param handlers The protected chain.
 * @returns The handler (it takes every request under the prefix).
 * @throws {TypeError} For a realm with quotes, backslashes or control characters.
 * @example
 * basicAuth({ realm: 'admin', prefix: '/admin/', users: { alice: await hashPassword('pw') } },
 *   [routeHandler('GET', '/admin/status', statusPage)]);
 */
export function basicAuth(
  options: BasicAuthOptions,
  handlers: readonly HttpHandler[],
): HttpHandler {
  if (/["\\\x00-\x1f\x7f]/.test(options.realm)) {
    throw new TypeError(`invalid realm ${JSON.stringify(options.realm)}`);
  }
  const prefix = options.prefix ?? '/';
  const users: ReadonlyMap<string, string> =
    options.users instanceof Map
      ? options.users
      : new Map(Object.entries(options.users as Record<string, string>));
  const cacheSize = options.cacheSize ?? 256;
  const verified = new Map<string, string>();
  const challenge = `Basic realm="${options.realm}", charset="UTF-8"`;
  const verify: PasswordVerifier = options.verify ?? verifyPassword;
  // An unknown user is checked against a dummy at a configured user's cost (not the default's).
  const unknownUserHash = unmatchablePasswordHash(users.values().next().value);

  async function authenticate(request: HttpRequest): Promise<string | null> {
    const header = request.headers.get('authorization');
    if (header === undefined) return null;
    const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
    if (match === null) return null;
    const key = createHash('sha256').update(match[1]!).digest('base64');
    const known = verified.get(key);
    if (known !== undefined) return known;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return null;
    const user = decoded.slice(0, colon);
    const stored = users.get(user);
    // An unknown user costs one password check too, so timing does not tell which names exist.
    let ok = false;
    try {
      ok = await verify(decoded.slice(colon + 1), stored ?? unknownUserHash);
    } catch {
      ok = false;
    }
    if (!ok || stored === undefined) return null;
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
    verified.set(key, user);
    return user;
  }

  return {
    match: (request) => request.path.startsWith(prefix) || `${request.path}/` === prefix,
    async handle(request, response) {
      const user = await authenticate(request);
      if (user === null) {
        response.status = 401;
        response.setHeader('WWW-Authenticate', challenge);
        response.send('Authentication required\n');
        return;
      }
      request.user = user;
      const handler = handlers.find((h) => h.match(request));
      if (handler === undefined) {
        response.status = 404;
        response.send('Not Found\n');
        return;
      }
      await handler.handle(request, response);
    },
  };
}
