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
    dataTimeout: dataTimeoutOf(ftp.limits.readTimeout, ftp.limits.writeTimeout),
  });
  return running('ftp', ftp.address, { tcp: service.listener.boundAddress[1] }, () =>
    service.close(),
  );
};

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
