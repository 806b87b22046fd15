/**
 * ident (RFC 1413): which local user owns a TCP connection with the asking host, from the
 * kernel's tables; `polyport ident` is its client. The whole service is this module and its
 * protocol folder, src/protocols/ident/.
 */
import { identCommand, startIdentService } from '../../protocols/ident/index.js';
import type { ServiceConfig } from '../config/polyport-config.js';
import { booleanType } from '../config/value-types.js';
import type { ServiceModule } from '../service-module.js';
import { running, serverOptions } from '../starters/start-context.js';

/** `[ident]`. */
export interface IdentServiceConfig extends ServiceConfig {
  /** Answer `HIDDEN-USER` instead of user names. */
  readonly hideUsers: boolean;
}

/**
 * `[ident]`: the ident server, and `polyport ident`.
 *
 * @example
 * serviceTable(config, identService)?.hideUsers; // false
 */
export const identService: ServiceModule<IdentServiceConfig> = {
  name: 'ident',
  title: 'Ident (RFC 1413)',
  wellKnownPort: 113,
  datagram: false,
  maxRequestSize: 1000,
  keys: [
    {
      key: 'ident.hideUsers',
      type: booleanType(),
      default: false,
      doc: 'Answer HIDDEN-USER instead of the name of the user who owns a connection.',
    },
  ],
  async start(context, table) {
    if (!table.enabled) return null;
    const service = await startIdentService({
      ...serverOptions(context, 'ident', table),
      hideUsers: table.hideUsers,
    });
    return running('ident', table.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  },
  cli: { command: identCommand, usesLocalServer: true },
};
