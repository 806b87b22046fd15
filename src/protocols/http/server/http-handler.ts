/**
 * The handler chain, in Medusa's spirit: the server asks each handler in turn whether it takes
 * a request (`match`), and the first that does answers it (`handle`). Small handlers to mount
 * routes, redirects and virtual hosts live here too.
 */
import type { HttpRequest } from './http-request.js';
import type { HttpResponse } from './http-response.js';

/**
 * One link of the server's handler chain.
 *
 * @example
 * const hello: HttpHandler = {
 *   match: (request) => request.path === '/hello',
 *   handle: (_request, response) => response.send('hello\n'),
 * };
 */
export interface HttpHandler {
  /** Whether this handler takes the request; must be quick and must not write. */
  match(request: HttpRequest): boolean;
  /**
   * Answers the request: must finish `response` (now or later). A throw or rejection before the
   * head is sent becomes a 500; after, the connection is closed.
   */
  handle(request: HttpRequest, response: HttpResponse): void | Promise<void>;
}

/**
 * Runs a request through a handler chain: the first handler whose `match()` is true answers it;
 * when none does, the answer is `404 Not Found`. What a handler throws is thrown on, and what it
 * returns (its promise) is returned, for the connection to turn into a 500 or a close.
 *
 * @param handlers The chain, asked in order.
 * @param request The request.
 * @param response Its response.
 * @returns The answering handler's promise, if it returned one.
 * @example
 * handleRequest([routeHandler('GET', '/hello', hello)], request, response); // 404 for /other
 */
export function handleRequest(
  handlers: readonly HttpHandler[],
  request: HttpRequest,
  response: HttpResponse,
): void | Promise<void> {
  for (let i = 0; i < handlers.length; i++) {
    const handler = handlers[i]!;
    if (handler.match(request)) return handler.handle(request, response);
  }
  response.status = 404;
  response.send('Not Found\n');
}

/** A route's function: the same as {@link HttpHandler.handle}. */
export type RouteFunction = (request: HttpRequest, response: HttpResponse) => void | Promise<void>;

/**
 * A handler for one method and path: what the host needs to mount its status page and
 * `/metrics`. A GET route also answers HEAD (the server drops the body). A path ending in `/*`
 * matches that prefix and everything below it.
 *
 * @param method The method (`'GET'`, `'POST'`), or `'*'` for any.
 * @param path The exact path (`'/metrics'`), or a prefix ending in `/*` (`'/status/*'`).
 * @param fn Answers matching requests.
 * @returns The handler.
 * @throws {TypeError} When `path` does not start with `/`.
 * @example
 * routeHandler('GET', '/metrics', (_request, response) => {
 *   response.setHeader('Content-Type', 'text/plain; version=0.0.4');
 *   response.send(renderMetrics());
 * });
 */
export function routeHandler(method: string, path: string, fn: RouteFunction): HttpHandler {
  if (!path.startsWith('/')) throw new TypeError(`a route path must start with '/', got ${path}`);
  const prefix = path.endsWith('/*') ? path.slice(0, -1) : null;
  const exact = prefix === null ? path : prefix.slice(0, -1);
  const anyMethod = method === '*';
  const alsoHead = method === 'GET';
  return {
    match(request) {
      const m = request.method;
      if (!anyMethod && m !== method && !(alsoHead && m === 'HEAD')) return false;
      const p = request.path;
      return prefix === null ? p === exact : p === exact || p.startsWith(prefix);
    },
    handle: fn,
  };
}

/**
 * A handler that redirects a path prefix elsewhere, keeping the rest of the path and the query.
 *
 * @param from The prefix to match (`'/old/'`).
 * @param to Where it moved (`'/new/'` or `'https://example.com/new/'`).
 * @param status 301, 302, 303, 307 or 308 (default 301).
 * @returns The handler.
 * @throws {RangeError} For a status that is not a redirect.
 * @example redirectHandler('/docs/', 'https://docs.example.com/', 308);
 */
export function redirectHandler(from: string, to: string, status = 301): HttpHandler {
  if (![301, 302, 303, 307, 308].includes(status)) {
    throw new RangeError(`redirect status must be 301, 302, 303, 307 or 308, got ${status}`);
  }
  const localPath = to.startsWith('/') && !to.startsWith('//');
  return {
    match: (request) => request.path.startsWith(from),
    handle(request, response) {
      const rest = request.path.slice(from.length);
      const query = request.query === '' ? '' : `?${request.query}`;
      let location = `${to}${rest}${query}`;
      // '/old//evil.example' must not become '//evil.example' (protocol-relative: another
      // host) when `to` is a local path: slashes at its start are merged, as nginx's
      // merge_slashes. A `to` that is itself '//host/' was meant that way and is kept.
      if (localPath && location.startsWith('//')) location = location.replace(/^\/+/, '/');
      response.status = status;
      response.setHeader('Location', location);
      response.send(`Moved to ${location}\n`);
    },
  };
}

/**
 * Restricts handlers to requests for some host names (name-based virtual hosting): the chain
 * inside is asked only when the request's host (without port) is one of `names`.
 *
 * @param names Host names, any case (`'example.com'`, `'www.example.com'`).
 * @param handlers The chain for those hosts, asked in order.
 * @returns The handler.
 * @example
 * startHttpService({ address, handlers: [
 *   virtualHost(['a.test'], [staticFiles({ root: '/srv/a' })]),
 *   virtualHost(['b.test'], [staticFiles({ root: '/srv/b' })]),
 * ] });
 */
export function virtualHost(
  names: readonly string[],
  handlers: readonly HttpHandler[],
): HttpHandler {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const chosen = new WeakMap<HttpRequest, HttpHandler>();
  return {
    match(request) {
      if (!wanted.has(request.hostname)) return false;
      const handler = handlers.find((h) => h.match(request));
      if (handler === undefined) return false;
      chosen.set(request, handler);
      return true;
    },
    handle(request, response) {
      const handler = chosen.get(request) ?? handlers.find((h) => h.match(request));
      if (handler === undefined) throw new Error('virtualHost: no handler took the request');
      return handler.handle(request, response);
    },
  };
}
