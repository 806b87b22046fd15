/**
 * FTP serves `[ftp] root` (the sample tree by default) to the configured users, with explicit
 * FTPS from the host's TLS material; `polyport ftp` is its client.
 */
import { ftpCommand, startFtpService } from '../../protocols/ftp/index.js';
import { isIPv4, isIPv6 } from '../../socket/inet.js';
import { PATH_TYPE, underDataDir } from '../config/path-keys.js';
import {
  FTP_PERMISSIONS,
  type FtpPermission,
  type FtpServiceConfig,
} from '../config/polyport-config.js';
import {
  booleanType,
  enumType,
  listType,
  portRangeType,
  stringType,
} from '../config/value-types.js';
import type { ServiceModule } from '../service-module.js';
import { requireConfiguredPath } from '../starters/configured-path.js';
import { running, serverOptions } from '../starters/start-context.js';

/**
 * `[ftp]`: FTP (RFC 959) with AUTH TLS (RFC 4217), and `polyport ftp`.
 *
 * @example
 * serviceTable(config, ftpService)?.passivePorts; // null: the OS picks each passive port
 */
export const ftpService: ServiceModule<FtpServiceConfig> = {
  name: 'ftp',
  title: 'FTP (RFC 959)',
  wellKnownPort: 21,
  logsUsersIn: true,
  datagram: false,
  maxRequestSize: 4096,
  keys: [
    {
      key: 'ftp.root',
      type: PATH_TYPE,
      default: underDataDir('ftp'),
      doc: 'Directory that is "/" for FTP users; each user home is inside it.',
    },
    {
      key: 'ftp.passivePorts',
      type: portRangeType(),
      default: null,
      doc: 'Ports for passive-mode data connections, as "low-high"; "" lets the OS choose.',
    },
    {
      key: 'ftp.passiveAddress',
      type: stringType({
        name: 'IP address or ""',
        expected: 'an IP address, or "" for the control connection\'s address',
        check: (t) => t === '' || isIPv4(t) || isIPv6(t),
      }),
      default: '',
      doc: 'Address announced in PASV/EPSV replies (for NAT); "" announces the control connection\'s local address.',
    },
    {
      key: 'ftp.anonymous',
      type: booleanType(),
      default: false,
      doc: 'Allow USER anonymous (or ftp), with any password, jailed at ftp.root, doing what ftp.anonymousPermissions allows.',
    },
    {
      key: 'ftp.anonymousPermissions',
      type: listType(enumType(FTP_PERMISSIONS)),
      default: ['list', 'read'],
      doc: 'What anonymous users may do: list, read, write, delete, rename, mkdir (the default is read-only).',
    },
    {
      key: 'ftp.readOnly',
      type: booleanType(),
      default: false,
      doc: "Refuse every change (upload, delete, rename, mkdir) whoever is logged in, as vsftpd's write_enable=NO; listing and downloads go on.",
    },
    {
      key: 'ftp.requireTls',
      type: booleanType(),
      default: false,
      doc: 'Refuse USER/PASS until AUTH TLS (RFC 4217) has been done.',
    },
  ],
  async start(context, ftp) {
    if (!ftp.enabled) return null;
    await requireConfiguredPath('ftp.root', ftp.root, 'directory');
    const service = await startFtpService({
      ...serverOptions(context, 'ftp', ftp),
      root: ftp.root,
      users: context.config.users.map((u) => ({
        name: u.name,
        password: u.password,
        home: u.ftpHome,
        permissions: allowed(u.ftpPermissions, ftp.readOnly),
      })),
      anonymous: ftp.anonymous,
      anonymousPermissions: allowed(ftp.anonymousPermissions, ftp.readOnly),
      tls: (await context.tls()).context,
      requireTls: ftp.requireTls,
      passivePorts:
        ftp.passivePorts === null ? null : [ftp.passivePorts.low, ftp.passivePorts.high],
      ...(ftp.passiveAddress ? { passiveAddress: ftp.passiveAddress } : {}),
      dataTimeout: dataTimeoutOf(ftp.limits.readTimeout, ftp.limits.writeTimeout),
    });
    return running('ftp', ftp.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  },
  cli: { command: ftpCommand, usesLocalServer: true },
  sampleTree: 'ftp',
};

/** A user's permissions, without those that change the tree when the server is read-only. */
function allowed(
  permissions: readonly FtpPermission[],
  readOnly: boolean,
): readonly FtpPermission[] {
  return readOnly ? permissions.filter((p) => p === 'list' || p === 'read') : permissions;
}

/**
 * A data connection must connect, and then move bytes, within the shorter of readTimeout (an
 * upload's gaps) and writeTimeout (a download the client does not read); 0 means never. The
 * defaults give 30 s, as before; either one shortened shortens it, so a stalled transfer gets
 * its own 426 before the control connection's idle timeout ends the session.
 */
function dataTimeoutOf(readTimeout: number, writeTimeout: number): number {
  const set = [readTimeout, writeTimeout].filter((t) => t > 0);
  return set.length === 0 ? 0 : Math.min(...set);
}
