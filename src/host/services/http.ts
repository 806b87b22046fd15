/**
 * HTTP and HTTPS serve `[http] root` (the sample website by default), with the status page at
 * `/server-status` while the site is on loopback; `polyport http` is their client.
 */
import { httpCommand, startHttpService, staticFiles } from '../../protocols/http/index.js';
import { PATH_TYPE, underDataDir } from '../config/path-keys.js';
import type { HttpServiceConfig } from '../config/polyport-config.js';
import type { ServiceModule } from '../service-module.js';
import { requireConfiguredPath } from '../starters/configured-path.js';
import { running, type StartContext, serverOptions } from '../starters/start-context.js';
import { VERSION } from '../version.js';
import { statusHandlers } from './status-handlers.js';

/** Starts the site on `name`'s table; HTTPS gets the host's TLS material. */
async function startSite(name: 'http' | 'https', context: StartContext, table: HttpServiceConfig) {
  if (!table.enabled) return null;
  await requireConfiguredPath(`${name}.root`, table.root, 'directory');
  const service = await startHttpService({
    ...serverOptions(context, name, table),
    handlers: [
      ...statusHandlers(context, '/server-status'),
      staticFiles({ root: table.root, listing: true }),
    ],
    serverName: `polyport/${VERSION}`,
    bodySampleBytes: context.config.capture.bodyBytes,
    ...(name === 'https' ? { tls: (await context.tls()).context } : {}),
  });
  return running(name, table.address, { tcp: service.listener.boundAddress[1] }, () =>
    service.close(),
  );
}

/**
 * `[http]`: the website over HTTP/1.1, and `polyport http`.
 *
 * @example
 * serviceTable(config, httpService)?.root; // './polyport-data/www'
 */
export const httpService: ServiceModule<HttpServiceConfig> = {
  name: 'http',
  title: 'HTTP/1.1 (RFC 9112)',
  wellKnownPort: 80,
  datagram: false,
  maxRequestSize: 65536,
  keys: [
    {
      key: 'http.root',
      type: PATH_TYPE,
      default: underDataDir('www'),
      doc: 'Directory served over HTTP.',
    },
  ],
  start: (context, table) => startSite('http', context, table),
  cli: { command: httpCommand, usesLocalServer: false },
  sampleTree: 'www',
};

/**
 * `[https]`: the same website over TLS.
 *
 * @example
 * serviceTable(config, httpsService)?.port; // 10443
 */
export const httpsService: ServiceModule<HttpServiceConfig> = {
  name: 'https',
  title: 'HTTP over TLS (RFC 9110)',
  wellKnownPort: 443,
  datagram: false,
  maxRequestSize: 65536,
  keys: [
    {
      key: 'https.root',
      type: PATH_TYPE,
      default: { describe: 'http.root', derive: (get) => get('http.root') },
      doc: 'Directory served over HTTPS.',
    },
  ],
  start: (context, table) => startSite('https', context, table),
  // HTTPS alone serves the sample site too: its root defaults to http.root's.
  sampleTree: 'www',
};
