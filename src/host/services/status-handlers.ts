/**
 * The host's status page (HTML) and Prometheus metrics as HTTP handlers: the admin listener
 * serves them at `/status`, and the public site at `/server-status` while it is on loopback.
 */
import { type HttpHandler, routeHandler } from '../../protocols/http/index.js';
import { isLoopbackAddress } from '../config/address-syntax.js';
import type { StartContext } from '../starters/start-context.js';

/**
 * The status page and `/metrics` under `base`.
 * @param context the start context (its `status` renders the host's counters now).
 * @param base `/status` (the admin listener: metrics at `/metrics`) or `/server-status` (the
 *   site: metrics at `/server-status/metrics`).
 * @returns the handlers; none for the site when `http.address` is not loopback.
 * @example
 * handlers: [...statusHandlers(context, '/status'), staticFiles({ root })]
 */
export function statusHandlers(context: StartContext, base: string): HttpHandler[] {
  // The public site shows the status page only when it is on loopback, as the admin port is.
  if (base !== '/status' && !isLoopbackAddress(context.config.http.address)) return [];
  return [
    routeHandler('GET', base, (_request, response) => {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.setHeader('Cache-Control', 'no-store');
      response.send(context.status.html());
    }),
    routeHandler(
      'GET',
      base === '/status' ? '/metrics' : `${base}/metrics`,
      (_request, response) => {
        response.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
        response.setHeader('Cache-Control', 'no-store');
        response.send(context.status.metrics());
      },
    ),
  ];
}
