/**
 * The admin listener's JSON API under `/api/v1/`: the capture's events (listed, forgotten,
 * streamed), the mails SMTP accepted and the fault rules. `docs/api.md` is its guide,
 * `docs/openapi.json` its description.
 */
import type { HttpHandler } from '../../protocols/http/index.js';
import type { StartContext } from '../starters/start-context.js';
import { type ApiRoute, apiRouter } from './api-router.js';
import { eventRoutes } from './events-routes.js';
import { faultRoutes } from './faults-routes.js';
import { messageRoutes } from './messages-routes.js';

/**
 * Every route of the API, in the order the router asks them. A new one (the faults API, say)
 * joins this list and `docs/openapi.json`: a test holds the two equal.
 * @param context the start context.
 * @returns the routes.
 * @example apiRoutes(context).map((r) => `${r.method} ${r.path}`);
 */
export function apiRoutes(context: StartContext): ApiRoute[] {
  const reading = [...eventRoutes(context), ...messageRoutes(context)];
  const catchUp = context.catchUp;
  // Events recorded in other processes (a fleet's workers) are read in before the capture is.
  const caughtUp =
    catchUp === undefined
      ? reading
      : reading.map(
          (route): ApiRoute => ({
            ...route,
            async handle(request, response, params) {
              await catchUp();
              return route.handle(request, response, params);
            },
          }),
        );
  return [...caughtUp, ...faultRoutes(context)];
}

/**
 * The API as admin handlers: one handler that takes every `/api/` path (an unknown one is a
 * JSON 404), so another `/api/` route belongs in {@link apiRoutes}, not in a handler after it.
 *
 * @param context the start context (its `capture`).
 * @returns the handlers.
 * @example
 * handlers: [...probeHandlers(context), ...apiHandlers(context), ...statusHandlers(context, '/status')]
 */
export function apiHandlers(context: StartContext): HttpHandler[] {
  return [apiRouter(apiRoutes(context))];
}
