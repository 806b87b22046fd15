/**
 * Every service polyport can run, as one list of modules: the config schema, the cross-checks,
 * `serve()`, its start-up listing and the `polyport` command table all read it. Adding a service
 * is one module file here and one line in {@link SERVICE_MODULES} (and, for a client command, one
 * entry in `SERVICE_COMMANDS`, the light list the command line reads without loading servers).
 */
import type { ServiceModule } from '../service-module.js';
import { adminService } from './admin.js';
import { dnsService } from './dns.js';
import { fingerService } from './finger.js';
import { ftpService } from './ftp.js';
import { httpService, httpsService } from './http.js';
import { identService } from './ident.js';
import { pop3Service, smtpService } from './mail.js';
import { SMALL_SERVICES } from './small.js';

export { SERVICE_COMMANDS, type ServiceCommandEntry } from './service-commands.js';

export {
  adminService,
  dnsService,
  fingerService,
  ftpService,
  httpService,
  httpsService,
  identService,
  pop3Service,
  SMALL_SERVICES,
  smtpService,
};

/**
 * The services, in start-up order: the admin listener, then the main services, then the small
 * ones. Their own config keys appear in the reference in this order, and their client commands
 * in `polyport --help`; the reference's table of services and `printConfig()` go by port.
 *
 * @example
 * const config = effectiveConfig({}, { services: [...SERVICE_MODULES, myService] });
 * const host = await serve({ config, services: [...SERVICE_MODULES, myService] });
 */
export const SERVICE_MODULES: readonly ServiceModule[] = [
  adminService,
  httpService,
  httpsService,
  ftpService,
  smtpService,
  pop3Service,
  dnsService,
  fingerService,
  identService,
  ...SMALL_SERVICES,
];
