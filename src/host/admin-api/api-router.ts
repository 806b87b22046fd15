/**
 * The admin API's router: routes with `{name}` path parameters under `/api/`, and the JSON
 * answers for what matches none (404) or matches a path but not its method (405 with `Allow`).
 */
import type { HttpHandler, HttpRequest, HttpResponse } from '../../protocols/http/index.js';
import { ApiError } from './api-error.js';
import { sendError } from './json-reply.js';

/** The path parameters of a matched route (`{ id: '7' }` for `/api/v1/messages/{id}`). */
export type PathParams = Readonly<Record<string, string>>;

/** One method on one path of the API. */
export interface ApiRoute {
  /** `GET` (which answers HEAD too), `DELETE`, `POST`, … */
  readonly method: string;
  /** The path, with `{name}` for a parameter segment: `/api/v1/messages/{id}/raw`. */
  readonly path: string;
  /**
   * Answers: finishes `response`, or throws (rejects with) an {@link ApiError}; any other
   * throw is the server's 500.
   */
  handle(request: HttpRequest, response: HttpResponse, params: PathParams): void | Promise<void>;
}

/** Whether a path's segments fit a route's, and its parameters if so. */
function matchPath(pattern: readonly string[], segments: readonly string[]): PathParams | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if (want.startsWith('{') && want.endsWith('}')) {
      if (got === '') return null;
      try {
        params[want.slice(1, -1)] = decodeURIComponent(got);
      } catch {
        return null;
      }
    } else if (want !== got) return null;
  }
  return params;
}

/**
 * One handler for every path under `/api/`: the route whose method and path match answers;
 * a path no route has is 404, a method its routes do not take is 405 with `Allow`, both as
 * JSON `{ "error": ... }` like every refusal a route throws as an {@link ApiError}.
 *
 * @param routes the routes, asked in order.
 * @returns the handler (it takes every `/api/` path: mount other `/api/` handlers before it).
 * @example
 * handlers: [apiRouter([{ method: 'GET', path: '/api/v1/ping', handle: (_q, r) => sendJson(r, {}) }])]
 */
export function apiRouter(routes: readonly ApiRoute[]): HttpHandler {
  const table = routes.map((route) => ({ route, pattern: route.path.split('/') }));
  return {
    match: (request) => request.path === '/api' || request.path.startsWith('/api/'),
    async handle(request, response) {
      const segments = request.path.split('/');
      const allowed = new Set<string>();
      try {
        for (const { route, pattern } of table) {
          const params = matchPath(pattern, segments);
          if (params === null) continue;
          const takesHead = route.method === 'GET' && request.method === 'HEAD';
          if (route.method === request.method || takesHead) {
            await route.handle(request, response, params);
            return;
          }
          allowed.add(route.method);
          if (route.method === 'GET') allowed.add('HEAD');
        }
        if (allowed.size === 0) throw new ApiError(404, `no such API path: ${request.path}`);
        throw new ApiError(405, `${request.method} is not allowed on ${request.path}`, {
          Allow: [...allowed].join(', '),
        });
      } catch (err) {
        if (!(err instanceof ApiError) || response.headersSent) throw err;
        sendError(response, err);
      }
    },
  };
}
