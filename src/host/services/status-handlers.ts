/**
 * The host's status as HTTP handlers: the status page (HTML), its data as JSON and Prometheus
 * metrics, which the admin listener serves at `/status` and the public site at `/server-status`
 * while it is on loopback; and the admin listener's health probes, `/healthz` and `/readyz`.
 */
import { type HttpHandler, routeHandler } from '../../protocols/http/index.js';
import { sendNow } from '../admin-api/json-reply.js';
import { isLoopbackAddress } from '../config/address-syntax.js';
import type { StartContext } from '../starters/start-context.js';

/** The media type of the Prometheus text exposition format, version 0.0.4. */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The status page, its JSON and `/metrics` under `base`.
 * @param context the start context (its `status` renders the host's counters now).
 * @param base `/status` (the admin listener: JSON at `/status.json`, metrics at `/metrics`) or
 *   `/server-status` (the site: `/server-status.json` and `/server-status/metrics`).
 * @returns the handlers; none for the site when `http.address` is not loopback.
 * @example
 * handlers: [...statusHandlers(context, '/status'), staticFiles({ root })]
 */
export function statusHandlers(context: StartContext, base: string): HttpHandler[] {
  // The public site shows the status page only when it is on loopback, as the admin port is.
  if (base !== '/status' && !isLoopbackAddress(context.config.http.address)) return [];
  return [
    routeHandler('GET', base, (_request, response) =>
      sendNow(response, 'text/html; charset=utf-8', context.status.html()),
    ),
    routeHandler('GET', `${base}.json`, (_request, response) =>
      sendNow(response, 'application/json', `${JSON.stringify(context.status.json(), null, 2)}\n`),
    ),
    // Rendered asynchronously (prom-client's collectors may wait); a rejection is a 500.
    routeHandler(
      'GET',
      base === '/status' ? '/metrics' : `${base}/metrics`,
      async (_request, response) =>
        sendNow(response, PROMETHEUS_TEXT, await context.status.metrics()),
    ),
  ];
}

/**
 * The probes Kubernetes and load balancers ask: `/healthz` is 200 while the process serves
 * (liveness), `/readyz` 200 once every configured service listens and 503 while the host starts,
 * reloads or stops (readiness), so traffic goes elsewhere before the listeners close.
 * @param context the start context (its `status.ready()` is the host's readiness now).
 * @returns the two handlers, plain-text bodies.
 * @example
 * handlers: [...probeHandlers(context), ...statusHandlers(context, '/status')]
 */
export function probeHandlers(context: StartContext): HttpHandler[] {
  const text = 'text/plain; charset=utf-8';
  return [
    routeHandler('GET', '/healthz', (_request, response) => sendNow(response, text, 'ok\n')),
    routeHandler('GET', '/readyz', (_request, response) => {
      const ready = context.status.ready();
      response.status = ready ? 200 : 503;
      sendNow(response, text, ready ? 'ready\n' : 'not ready\n');
    }),
  ];
}
