/**
 * `/api/v1/events`: the host's captured events as JSON — listed newest first, forgotten, or
 * followed live (`/api/v1/events/stream`, Server-Sent Events).
 */
import type { StartContext } from '../starters/start-context.js';
import type { ApiRoute } from './api-router.js';
import { eventStream } from './event-stream.js';
import { sendJson } from './json-reply.js';
import { EVENT_FILTER_PARAMS, QueryParams } from './query-params.js';

/**
 * The event routes: `GET /api/v1/events` (`{ events, lastId }`, newest first, at most
 * `limit`), `DELETE /api/v1/events` (`{ deleted }`) and `GET /api/v1/events/stream`, all
 * filtered by `service`, `kind`, `peer`, `since` and `q`.
 *
 * @param context the start context (its `capture`, and the admin limits the stream respects).
 * @returns the routes.
 * @example apiRouter([...eventRoutes(context), ...messageRoutes(context)]);
 */
export function eventRoutes(context: StartContext): ApiRoute[] {
  const capture = context.capture;
  return [
    {
      method: 'GET',
      path: '/api/v1/events',
      handle(request, response) {
        const query = new QueryParams(request.query, [...EVENT_FILTER_PARAMS, 'limit']);
        const events = capture.list(query.eventFilter(), query.limit());
        sendJson(response, { events, lastId: capture.lastId });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/events',
      handle(request, response) {
        const query = new QueryParams(request.query, EVENT_FILTER_PARAMS);
        sendJson(response, { deleted: capture.clear(query.eventFilter()) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/events/stream',
      handle(request, response) {
        const query = new QueryParams(request.query, EVENT_FILTER_PARAMS);
        return eventStream(context, request, response, query.eventFilter());
      },
    },
  ];
}
