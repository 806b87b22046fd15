/**
 * HTTP and HTTPS serve `[http] root` (the sample website by default); the admin listener
 * serves the host's status page and Prometheus metrics, on loopback only.
 */
import {
  type HttpHandler,
  redirectHandler,
  routeHandler,
  startHttpService,
  staticFiles,
} from '../../protocols/http/index.js';
import { type HttpServiceConfig, isLoopbackAddress } from '../config/index.js';
import { VERSION } from '../version.js';
import { requireConfiguredPath } from './configured-path.js';
import { running, type ServiceStarter, type StartContext, serverOptions } from './start-context.js';

function siteStarter(name: 'http' | 'https'): ServiceStarter {
  return async (context) => {
    const table = context.config[name] as HttpServiceConfig;
    if (!table.enabled) return null;
    await requireConfiguredPath(`${name}.root`, table.root, 'directory');
    const service = await startHttpService({
      ...serverOptions(context, name, table),
      handlers: [
        ...statusHandlers(context, '/server-status'),
        staticFiles({ root: table.root, listing: true }),
      ],
      serverName: `polyport/${VERSION}`,
      ...(name === 'https' ? { tls: (await context.tls()).context } : {}),
    });
    return running(name, table.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  };
}

/** The status page (HTML) and `/metrics` (Prometheus text) under `base`. */
function statusHandlers(context: StartContext, base: string): HttpHandler[] {
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

/** Starts the admin listener: the status page at `/status`, metrics at `/metrics`. */
export const adminStarter: ServiceStarter = async (context) => {
  const { admin } = context.config;
  if (!admin.enabled) return null;
  if (!isLoopbackAddress(admin.address)) {
    throw new Error(
      `the admin listener serves loopback only; admin.address = "${admin.address}" is not`,
    );
  }
  // Only '/' itself goes to the status page: a prefix match would send '/robots.txt' to
  // '/statusrobots.txt', then '/statusstatusrobots.txt', … (a redirect loop); the rest is 404.
  const toStatus = redirectHandler('/', '/status', 302);
  const service = await startHttpService({
    ...serverOptions(context, 'admin', admin),
    handlers: [
      ...statusHandlers(context, '/status'),
      { ...toStatus, match: (request) => request.path === '/' },
    ],
    serverName: `polyport/${VERSION}`,
  });
  return running('admin', admin.address, { tcp: service.listener.boundAddress[1] }, () =>
    service.close(),
  );
};

/** Starts HTTP. */
export const httpStarter = siteStarter('http');
/** Starts HTTPS. */
export const httpsStarter = siteStarter('https');
