/**
 * How every admin API answer goes out: JSON, never cached (the capture changes with every
 * event, and a cache or proxy must not answer with an old list).
 */
import type { HttpResponse } from '../../protocols/http/index.js';
import type { ApiError } from './api-error.js';

/**
 * Sends `body` as JSON with `Cache-Control: no-store`.
 * @param response the response to finish.
 * @param body the value (JSON-serialisable).
 * @param status the status (default 200).
 * @example sendJson(response, { deleted: 3 });
 */
export function sendJson(response: HttpResponse, body: unknown, status = 200): void {
  response.status = status;
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Cache-Control', 'no-store');
  response.send(`${JSON.stringify(body, null, 2)}\n`);
}

/**
 * Sends an {@link ApiError} as `{ "error": message }` with its status and fields.
 * @param response the response to finish.
 * @param error what went wrong.
 * @example sendError(response, new ApiError(400, 'limit must be 1 to 10000'));
 */
export function sendError(response: HttpResponse, error: ApiError): void {
  for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
  sendJson(response, { error: error.message }, error.status);
}
