/**
 * The small services (RFC 862–868), each on TCP and UDP: echo, discard, daytime, qotd, chargen
 * and time.
 */
import { readFile } from 'node:fs/promises';
import {
  parseQuotes,
  type SmallServiceName,
  startSmallService,
} from '../../protocols/small/index.js';
import type { KeySpec } from '../config/key-spec.js';
import { OPTIONAL_PATH_TYPE } from '../config/path-keys.js';
import type { DatagramServiceConfig, QotdServiceConfig } from '../config/polyport-config.js';
import type { ServiceModule } from '../service-module.js';
import { requireConfiguredPath } from '../starters/configured-path.js';
import { running, serverOptions } from '../starters/start-context.js';

/** The module of one small service; qotd's table also names its quotes file. */
function smallService(
  name: SmallServiceName,
  title: string,
  wellKnownPort: number,
  maxRequestSize: number,
  keys: readonly KeySpec[] = [],
): ServiceModule<DatagramServiceConfig> {
  return {
    name,
    title,
    wellKnownPort,
    datagram: true,
    maxRequestSize,
    keys,
    async start(context, table) {
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
    },
  };
}

/**
 * The small services' modules, in port order.
 *
 * @example
 * SMALL_SERVICES.map((s) => s.name); // ['echo', 'discard', 'daytime', 'qotd', 'chargen', 'time']
 */
export const SMALL_SERVICES: readonly ServiceModule<DatagramServiceConfig>[] = [
  smallService('echo', 'Echo (RFC 862)', 7, 65536),
  smallService('discard', 'Discard (RFC 863)', 9, 65536),
  smallService('daytime', 'Daytime (RFC 867)', 13, 512),
  smallService('qotd', 'Quote of the Day (RFC 865)', 17, 512, [
    {
      key: 'qotd.file',
      type: OPTIONAL_PATH_TYPE,
      default: '',
      doc: 'Text file of quotes in fortune(6) style, separated by lines holding only %; "" uses the built-in ones.',
    },
  ]),
  smallService('chargen', 'Character Generator (RFC 864)', 19, 512),
  smallService('time', 'Time (RFC 868)', 37, 512),
];
