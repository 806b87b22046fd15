/** Test helper: an FTP service on a private loop, over a fresh temporary tree. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import { hashPassword } from '../../../src/host/password.js';
import {
  type FtpService,
  type FtpServiceOptions,
  startFtpService,
} from '../../../src/protocols/ftp/index.js';
import {
  createConnection,
  PROTOCOL_TLS_SERVER,
  type Socket,
  SSLContext,
  selfSignedCertificate,
} from '../../../src/socket/index.js';

/** A running test server. */
export interface FtpFixture {
  readonly service: FtpService;
  readonly port: number;
  /** The served root (a fresh temporary directory). */
  readonly root: string;
  /** Where tests may put things outside the root. */
  readonly outside: string;
  /** Records of `observer.request` and `observer.log`. */
  readonly records: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

let hash: Promise<string> | null = null;
let cert: Promise<{ cert: string; key: string }> | null = null;

/** A server TLS context with a self-signed certificate for localhost. */
export async function serverTls(): Promise<SSLContext> {
  cert ??= selfSignedCertificate();
  const { cert: c, key } = await cert;
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChainPem(c, key);
  return ctx;
}

/**
 * Starts an FTP service with user `demo`/`demo` (every right) and `reader`/`reader` (list,
 * read), over a root holding `hello.txt` and `pub/readme.txt`.
 */
export async function startFixture(extra: Partial<FtpServiceOptions> = {}): Promise<FtpFixture> {
  hash ??= hashPassword('demo', { N: 1024 });
  const readerHash = await hashPassword('reader', { N: 1024 });
  const base = mkdtempSync(join(tmpdir(), 'polyport-ftp-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'pub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'hello.txt'), 'hello, world\n');
  writeFileSync(join(root, 'pub', 'readme.txt'), 'read me\n');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  const map: SocketMap = new Map();
  const records: Array<Record<string, unknown>> = [];
  const service = await startFtpService({
    address: ['127.0.0.1', 0],
    root,
    users: [
      {
        name: 'demo',
        password: await hash,
        home: '/',
        permissions: ['list', 'read', 'write', 'delete', 'rename', 'mkdir'],
      },
      { name: 'reader', password: readerHash, home: '/', permissions: ['list', 'read'] },
    ],
    anonymous: true,
    failedLoginDelay: 10,
    map,
    observer: {
      request: (fields) => records.push({ ...fields }),
      log: (level, message, fields) => records.push({ level, msg: message, ...fields }),
    },
    ...extra,
  });
  const running = loop({ map, timeout: 1 });
  return {
    service,
    port: service.listener.boundAddress[1],
    root,
    outside,
    records,
    async stop() {
      service.close();
      closeAll(map, true);
      try {
        await running;
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}

/** A raw control connection, for commands the client would never send. */
export async function raw(
  port: number,
): Promise<{ sock: Socket; cmd(line: string): Promise<string>; read(): Promise<string> }> {
  const sock = await createConnection(['127.0.0.1', port], 10);
  let buffer = '';
  const readReply = async (): Promise<string> => {
    for (;;) {
      const m = /(?:^|\n)(\d{3}) [^\n]*\r\n/.exec(buffer);
      if (m) {
        const end = (m.index ?? 0) + m[0].length;
        const out = buffer.slice(0, end);
        buffer = buffer.slice(end);
        return out;
      }
      const data = await sock.recv(4096);
      if (data.length === 0) return buffer;
      buffer += data.toString();
    }
  };
  await readReply();
  return {
    sock,
    read: readReply,
    async cmd(line) {
      await sock.sendall(`${line}\r\n`);
      return readReply();
    },
  };
}
