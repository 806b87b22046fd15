/**
 * FTP serves `[ftp] root` (the sample tree by default) to the configured users, with explicit
 * FTPS from the host's TLS material.
 */
import { startFtpService } from '../../protocols/ftp/index.js';
import { requireConfiguredPath } from './configured-path.js';
import { running, type ServiceStarter, serverOptions } from './start-context.js';

/** Starts FTP. */
export const ftpStarter: ServiceStarter = async (context) => {
  const { ftp, users } = context.config;
  if (!ftp.enabled) return null;
  await requireConfiguredPath('ftp.root', ftp.root, 'directory');
  const service = await startFtpService({
    ...serverOptions(context, 'ftp', ftp),
    root: ftp.root,
    users: users.map((u) => ({
      name: u.name,
      password: u.password,
      home: u.ftpHome,
      permissions: u.ftpPermissions,
    })),
    anonymous: ftp.anonymous,
    tls: (await context.tls()).context,
    requireTls: ftp.requireTls,
    passivePorts: ftp.passivePorts === null ? null : [ftp.passivePorts.low, ftp.passivePorts.high],
    ...(ftp.passiveAddress ? { passiveAddress: ftp.passiveAddress } : {}),
  });
  return running('ftp', ftp.address, { tcp: service.listener.boundAddress[1] }, () =>
    service.close(),
  );
};
