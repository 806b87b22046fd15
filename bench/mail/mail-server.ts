/**
 * The server side of the mail benchmark: polyport's SMTP and POP3 services on one loop over a
 * fresh Maildir store with users bench0…bench(N-1). Prints `{"smtp":PORT,"pop3":PORT}` on its
 * first stdout line, serves until stdin closes, then removes its data.
 * Usage: mail-server.ts USERS
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loop } from '../../dist/dispatch/index.js';
import { hashPassword } from '../../dist/host/password.js';
import {
  MaildirStore,
  startPop3Service,
  startSmtpService,
} from '../../dist/protocols/mail/index.js';
import { readyAccelerators } from '../lib/accelerators.js';

const count = Number(process.argv[2] ?? 20);
await readyAccelerators();
const dir = mkdtempSync(join(tmpdir(), 'polyport-mailbench-'));
const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
process.on('exit', cleanup);
// Cheaper scrypt than the default: the benchmark measures mail, not one login per client.
const password = await hashPassword('bench', { N: 1024 });
const users = Array.from({ length: count }, (_, i) => ({
  name: `bench${i}`,
  password,
  mail: [`bench${i}@example.test`],
}));
const store = new MaildirStore(join(dir, 'mail'), { hostname: 'bench' });
const limits = {
  maxConnections: 1024,
  maxConnectionsPerAddress: 1024,
  idleTimeout: 300,
  readTimeout: 300,
  maxRequestSize: 65536,
};
const common = { address: ['127.0.0.1', 0] as const, users, store, limits };
const smtp = await startSmtpService({ ...common, maxMessageSize: 64 * 1024 * 1024 });
const pop3 = await startPop3Service({ ...common, allowPlaintext: true });
process.stdout.write(
  `${JSON.stringify({ smtp: smtp.listener.boundAddress[1], pop3: pop3.listener.boundAddress[1] })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
await loop();
