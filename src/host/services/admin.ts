/**
 * The admin listener, on loopback only: the web UI at `/` (its files under `/ui/`), the host's
 * status page at `/status` (its data at `/status.json`), Prometheus metrics at `/metrics`, and
 * the probes `/healthz` and `/readyz`.
 */
import { startHttpService } from '../../protocols/http/index.js';
import { apiHandlers } from '../admin-api/api-handlers.js';
import { uiHandlers } from '../admin-ui.js';
import { isLoopbackAddress } from '../config/address-syntax.js';
import type { ServiceModule } from '../service-module.js';
import { running, serverOptions } from '../starters/start-context.js';
import { VERSION } from '../version.js';
import { probeHandlers, statusHandlers } from './status-handlers.js';

/**
 * `[admin]`: the status listener, on port 1 + `portOffset` (10001) like every other service.
 *
 * @example
 * (await adminService.start(context, config.admin))?.listeners[0]?.port; // 10001
 */
export const adminService: ServiceModule = {
  name: 'admin',
  title: 'admin and status listener',
  // Port 1 (TCPMUX, which polyport does not serve) puts the admin listener at 1 + portOffset,
  // 10001 by default: it moves with the others, so two hosts a portOffset apart do not collide.
  wellKnownPort: 1,
  datagram: false,
  maxRequestSize: 65536,
  async start(context, admin) {
    if (!admin.enabled) return null;
    if (!isLoopbackAddress(admin.address)) {
      throw new Error(
        `the admin listener serves loopback only; admin.address = "${admin.address}" is not`,
      );
    }
    const service = await startHttpService({
      ...serverOptions(context, 'admin', admin),
      handlers: [
        ...probeHandlers(context),
        ...apiHandlers(context),
        ...statusHandlers(context, '/status'),
        ...uiHandlers(),
      ],
      serverName: `polyport/${VERSION}`,
    });
    return running('admin', admin.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  },
};
