/**
 * The data-connection setup commands of an FTP session: PASV and EPSV (RFC 959, 2428) open a
 * passive listener; PORT and EPRT name an active target, after the bounce check of RFC 2577.
 */

import type { ServerObserver } from '../../server/server-observer.js';
import { parseIpAddress, unmapIpv4 } from '../../socket/inet.js';
import {
  checkDataTarget,
  epsvReply,
  parseEprtArg,
  parseEpsvArg,
  parsePortArg,
  pasvReply,
} from './data-address.js';
import type { DataConnector } from './data-connector.js';
import { type Reply, reply } from './reply.js';

/** What the setup commands need of the session. */
export interface DataSetupHost {
  readonly data: DataConnector;
  /** The control connection's remote address. */
  readonly peerHost: string;
  /** The control connection's local address (what a passive listener binds to). */
  readonly localHost: string;
  /** The peer, formatted for logs. */
  readonly peer: string;
  readonly observer: ServerObserver;
  /** The passive port range, or null for any. */
  readonly passivePorts: readonly [number, number] | null;
  /** The address PASV announces instead of the local one (NAT), or `''`. */
  readonly passiveAddress: string;
  /** After `EPSV ALL` only EPSV is allowed (RFC 2428 4). */
  epsvAll: boolean;
}

/**
 * Runs PASV or EPSV.
 *
 * @param host The session.
 * @param verb `PASV` or `EPSV`.
 * @param arg The argument (EPSV: none, `1`, `2` or `ALL`).
 * @returns The 227/229 reply, or the refusal.
 * @example
 * await passiveCommand(session, 'EPSV', ''); // { code: 229, lines: ['Entering Extended Passive Mode (|||40001|)'] }
 */
export async function passiveCommand(
  host: DataSetupHost,
  verb: string,
  arg: string,
): Promise<Reply> {
  if (verb === 'EPSV') {
    const req = parseEpsvArg(arg);
    if (!req.ok) return req.reply;
    if (req.value === 'all') {
      host.epsvAll = true;
      return reply(200, 'EPSV ALL ok.');
    }
    const family = parseIpAddress(unmapIpv4(host.localHost))?.family === 6 ? 2 : 1;
    if (typeof req.value === 'number' && req.value !== family) {
      return reply(522, `Network protocol not supported, use (${family})`);
    }
  } else if (host.epsvAll) {
    return reply(503, 'EPSV ALL in force; use EPSV.');
  } else if (parseIpAddress(unmapIpv4(host.localHost))?.family !== 4) {
    return reply(425, 'PASV needs IPv4; use EPSV.');
  }
  let port: number;
  try {
    port = await host.data.listen(host.localHost, host.passivePorts);
  } catch {
    return reply(425, 'Cannot open a passive port.');
  }
  if (verb === 'EPSV') return epsvReply(port);
  return pasvReply({ host: host.passiveAddress || unmapIpv4(host.localHost), port });
}

/**
 * Runs PORT or EPRT: the target must be the client itself on an unprivileged port.
 *
 * @param host The session.
 * @param verb `PORT` or `EPRT`.
 * @param arg The address argument.
 * @returns 200, or 501/504/522/503 refusals.
 * @example
 * activeCommand(session, 'PORT', '10,0,0,9,200,10'); // 504 unless the client is 10.0.0.9
 */
export function activeCommand(host: DataSetupHost, verb: string, arg: string): Reply {
  if (host.epsvAll) return reply(503, 'EPSV ALL in force; use EPSV.');
  const target = verb === 'PORT' ? parsePortArg(arg) : parseEprtArg(arg);
  if (!target.ok) return target.reply;
  const checked = checkDataTarget(host.peerHost, target.value);
  if (!checked.ok) {
    host.observer.log?.('warn', 'FTP bounce refused', { peer: host.peer, target: arg });
    return checked.reply;
  }
  host.data.setActive(checked.value);
  return reply(200, `${verb} command successful. Consider using PASV.`);
}
