/**
 * The server's side of data-connection setup: the control session decides PASV/EPSV/PORT/EPRT
 * (syntax, EPSV ALL, the bounce check of RFC 2577); these carry out what it decided.
 */

import { parseIpAddress, unmapIpv4 } from '../../../socket/inet.js';
import type { FtpControlSession } from '../codec/control-session.js';
import type { DataAddress } from '../codec/data-address.js';
import type { DataConnector } from './data-connector.js';

/** What the setup needs of the server's session. */
export interface DataSetupHost {
  readonly data: DataConnector;
  /** The control connection's local address (what a passive listener binds to). */
  readonly localHost: string;
  /** The passive port range, or null for any. */
  readonly passivePorts: readonly [number, number] | null;
  /** The address PASV announces instead of the local one (NAT), or `''`. */
  readonly passiveAddress: string;
}

/**
 * The family of the control connection's local address, as the control session wants it.
 *
 * @param localHost The address (`::ffff:`-mapped IPv4 counts as IPv4).
 * @returns 4, 6, or `null` when it is not an IP address.
 * @example
 * localFamily('::ffff:127.0.0.1'); // 4
 */
export function localFamily(localHost: string): 4 | 6 | null {
  return parseIpAddress(unmapIpv4(localHost))?.family ?? null;
}

/**
 * Carries out a `passive` event (PASV or EPSV): opens the listener and tells the session.
 *
 * @param host The server's session.
 * @param control The control session waiting for the decision.
 * @example
 * await passiveCommand(session, control); // control writes 227 or 229, or 425
 */
export async function passiveCommand(
  host: DataSetupHost,
  control: Pick<FtpControlSession, 'passiveOpened' | 'passiveFailed'>,
): Promise<void> {
  let port: number;
  try {
    port = await host.data.listen(host.localHost, host.passivePorts);
  } catch {
    control.passiveFailed();
    return;
  }
  control.passiveOpened(port, host.passiveAddress || unmapIpv4(host.localHost));
}

/**
 * Carries out an `active` event (PORT or EPRT, already checked against bounce attacks): the next
 * data connection goes to `target`.
 *
 * @param host The server's session.
 * @param target The client's address and port.
 * @example
 * activeCommand(session, { host: '127.0.0.1', port: 40001 });
 */
export function activeCommand(host: Pick<DataSetupHost, 'data'>, target: DataAddress): void {
  host.data.setActive(target);
}
