/**
 * polyport's FTP server for the benchmark: anonymous with read and write (as the vsftpd it is
 * compared with), plus demo/demo. Usage: ftp-server.ts ROOT. Prints its port, then serves until
 * stdin closes.
 */
import { loop } from '../../dist/dispatch/index.js';
import { hashPassword } from '../../dist/host/password.js';
import { startFtpService } from '../../dist/protocols/ftp/index.js';
import { readyAccelerators } from '../lib/accelerators.js';

const root = process.argv[2];
if (root === undefined) throw new Error('usage: ftp-server.ts ROOT');
await readyAccelerators();
const service = await startFtpService({
  address: ['127.0.0.1', 0],
  root,
  users: [
    {
      name: 'demo',
      password: await hashPassword('demo'),
      home: '/',
      permissions: ['list', 'read', 'write', 'delete', 'rename', 'mkdir'],
    },
  ],
  anonymous: true,
  anonymousPermissions: ['list', 'read', 'write'],
  limits: {
    maxConnections: 4096,
    maxConnectionsPerAddress: 4096,
    idleTimeout: 600,
    readTimeout: 60,
    maxRequestSize: 4096,
  },
  maxCommandsPerSecond: 0,
});
process.stdout.write(`${service.listener.boundAddress[1]}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
await loop();
