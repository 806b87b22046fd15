/**
 * The admin listener's JSON API under `/api/v1/`: the capture's events (listed, forgotten,
 * streamed) and the mails SMTP accepted. `docs/api.md` is its guide, `docs/openapi.json` its
 * description.
 */
import type { HttpHandler } from '../../protocols/http/index.js';
import type { StartContext } from '../starters/start-context.js';
import { type ApiRoute, apiRouter } from './api-router.js';
import { eventRoutes } from './events-routes.js';
import { messageRoutes } from './messages-routes.js';

/**
 * Every route of the API, in the order the router asks them.
 * @param context the start context.
 * @returns the routes.
 * @example apiRoutes(context).map((r) => `${r.method} ${r.path}`);
 */
export function apiRoutes(context: StartContext): ApiRoute[] {
  return [...eventRoutes(context), ...messageRoutes(context)];
}

/**
 * The API as admin handlers: one handler that takes every `/api/` path (an unknown one is a
 * JSON 404). More routes (the faults API, say) join through `more`, not as handlers after it.
 *
 * @param context the start context (its `capture`).
 * @param more routes to serve beside these.
 * @returns the handlers.
 * @example
 * handlers: [...probeHandlers(context), ...apiHandlers(context), ...statusHandlers(context, '/status')]
 */
export function apiHandlers(context: StartContext, more: readonly ApiRoute[] = []): HttpHandler[] {
  return [apiRouter([...apiRoutes(context), ...more])];
}
