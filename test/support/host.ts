/**
 * Helpers for host tests: a config with every port 0 and a fresh data directory, a silent
 * logger, and a way to find a service's port.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  effectiveConfig,
  type Host,
  type PolyportConfig,
  SERVICE_MODULES,
} from '../../src/host/index.js';

/** Every service table name: the host's own list, so a new service is in every test at once. */
export const SERVICE_TABLES: readonly string[] = SERVICE_MODULES.map((service) => service.name);

/** A fresh temporary directory. */
export function tempDir(prefix = 'polyport-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A config with every port 0 (any free port), a fresh data dir, and `sets` applied after. */
export function testConfig(sets: readonly string[] = [], dataDir = tempDir()): PolyportConfig {
  return effectiveConfig(
    {},
    { sets: [`dataDir=${dataDir}`, ...SERVICE_TABLES.map((s) => `${s}.port=0`), ...sets] },
  );
}

/** A logger that collects JSON records in memory instead of printing. */
export function memoryLogger(): {
  logger: ReturnType<typeof createLogger>;
  records: Array<Record<string, unknown>>;
} {
  const records: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    format: 'json',
    level: 'debug',
    destination: {
      write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>),
    },
  });
  return { logger, records };
}

/** The port a service listens on, for a transport. */
export function portOf(host: Host, service: string, transport: 'tcp' | 'udp' = 'tcp'): number {
  const listener = host.listeners.find((l) => l.service === service && l.transport === transport);
  if (listener === undefined) throw new Error(`${service}/${transport} is not listening`);
  return listener.port;
}
