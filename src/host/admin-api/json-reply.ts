/**
 * How every admin answer goes out: never cached (the capture and the counters change all the
 * time, and a cache or proxy must not answer with an old list), the API's as JSON.
 */
import type { HttpResponse } from '../../protocols/http/index.js';
import type { ApiError } from './api-error.js';

/**
 * Sends a body that is the state now, marked `Cache-Control: no-store`: a cache or proxy must
 * never answer with an old one (the status page, the metrics, every API answer).
 * @param response the response to finish.
 * @param type its `Content-Type`.
 * @param body the bytes or text.
 * @example sendNow(response, 'text/plain; charset=utf-8', 'ok\n');
 */
export function sendNow(response: HttpResponse, type: string, body: Uint8Array | string): void {
  response.setHeader('Content-Type', type);
  response.setHeader('Cache-Control', 'no-store');
  response.send(body);
}

/**
 * Sends `body` as JSON with `Cache-Control: no-store`.
 * @param response the response to finish.
 * @param body the value (JSON-serialisable).
 * @param status the status (default 200).
 * @example sendJson(response, { deleted: 3 });
 */
export function sendJson(response: HttpResponse, body: unknown, status = 200): void {
  response.status = status;
  sendNow(response, 'application/json', `${JSON.stringify(body, null, 2)}\n`);
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
