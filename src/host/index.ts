/**
 * `polyport/host`: `serve()` runs any set of services in one process on one event loop, from a
 * validated config; plus the config API, password hashing, logging, status and metrics. Each
 * service is a `ServiceModule` (config keys, starter, listing rows, client command), and one
 * list, `SERVICE_MODULES`, names them all.
 *
 * @example
 * import { effectiveConfig, serve } from 'polyport/host';
 * const host = await serve({ config: effectiveConfig({}) }); // every service on loopback
 * console.log(host.listeners);
 * await host.stop();
 *
 * @module
 */

export * from './capture/capture-ring.js';
export * from './capture/captured-event.js';
export * from './capture/event-hub.js';
export * from './config/index.js';
export * from './data-dir.js';
export * from './faults/fault-book.js';
export * from './faults/fault-rule.js';
export { Host, HostStartError, type ServeOptions, serve } from './host.js';
export * from './logger.js';
export * from './metrics.js';
export * from './password.js';
export type { ServiceCli, ServiceModule } from './service-module.js';
export * from './service-stats.js';
export * from './services/index.js';
export { requireConfiguredPath } from './starters/configured-path.js';
export {
  type ListenerInfo,
  type RunningService,
  running,
  type ServiceStarter,
  type StartContext,
  serverOptions,
} from './starters/start-context.js';
export * from './status-page.js';
export * from './tls-material.js';
export { VERSION } from './version.js';
