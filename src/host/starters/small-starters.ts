/**
 * The small services (RFC 862–868), each on TCP and UDP.
 */
import { readFile } from 'node:fs/promises';
import {
  parseQuotes,
  type SmallServiceName,
  startSmallService,
} from '../../protocols/small/index.js';
import type { DatagramServiceConfig, QotdServiceConfig } from '../config/index.js';
import { requireConfiguredPath } from './configured-path.js';
import { running, type ServiceStarter, serverOptions } from './start-context.js';

const SMALL: readonly SmallServiceName[] = [
  'echo',
  'discard',
  'daytime',
  'chargen',
  'time',
  'qotd',
];

function smallStarter(name: SmallServiceName): ServiceStarter {
  return async (context) => {
    const table = context.config[name] as DatagramServiceConfig;
    if (!table.enabled || (!table.tcp && !table.udp)) return null;
    const file = name === 'qotd' ? (table as QotdServiceConfig).file : '';
    if (file) await requireConfiguredPath('qotd.file', file, 'file');
    const quotes = file ? parseQuotes(await readFile(file, 'utf8')) : undefined;
    const service = await startSmallService(name, {
      ...serverOptions(context, name, table),
      tcp: table.tcp,
      udp: table.udp,
      rate: { perSecond: table.limits.udpRate, burst: table.limits.udpBurst },
      ...(quotes ? { quotes } : {}),
    });
    return running(
      name,
      table.address,
      { tcp: service.tcp?.boundAddress[1], udp: service.udp?.boundAddress[1] },
      () => service.close(),
    );
  };
}

/** The starters of the small services, in port order. */
export const SMALL_STARTERS = SMALL.map((name) => [name, smallStarter(name)] as const);
