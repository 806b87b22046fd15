/**
 * Helpers for the mail service tests: a fresh Maildir store, users with cheap scrypt hashes,
 * both services on loopback port 0 in their own loop, and a raw line client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loop } from '../../../src/dispatch/index.js';
import { hashPassword } from '../../../src/host/password.js';
import {
  MaildirStore,
  type MailUser,
  type Pop3ServiceOptions,
  type SmtpServiceOptions,
  startPop3Service,
  startSmtpService,
} from '../../../src/protocols/mail/index.js';
import type { ServerLimits } from '../../../src/server/limits.js';
import type { ServerObserver } from '../../../src/server/server-observer.js';
import {
  createConnection,
  PROTOCOL_TLS_SERVER,
  type Socket,
  SSLContext,
  selfSignedCertificate,
} from '../../../src/socket/index.js';

/** Cheap scrypt parameters: the format is real, the cost is not. */
const CHEAP = { N: 16, r: 1, p: 1 } as const;

/** The users every test gets: demo/demo and alice/wonderland. */
export async function testUsers(): Promise<MailUser[]> {
  return [
    {
      name: 'demo',
      password: await hashPassword('demo', CHEAP),
      mail: ['demo@example.test'],
    },
    {
      name: 'alice',
      password: await hashPassword('wonderland', CHEAP),
      mail: ['alice@example.test', 'a.liddell@localhost'],
    },
  ];
}

let tlsContext: Promise<SSLContext> | undefined;

/** A server context with a self-signed certificate for localhost (made once per process). */
export function serverTls(): Promise<SSLContext> {
  tlsContext ??= selfSignedCertificate().then(({ cert, key }) => {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.loadCertChainPem(cert, key);
    return ctx;
  });
  return tlsContext;
}

/** A running pair of mail services and how to stop everything. */
export interface MailFixture {
  readonly store: MaildirStore;
  readonly users: MailUser[];
  readonly smtpPort: number;
  readonly pop3Port: number;
  readonly requests: Array<Readonly<Record<string, unknown>>>;
  stop(): Promise<void>;
}

/** Options for {@link startMail}. */
export interface MailFixtureOptions {
  readonly smtp?: Partial<SmtpServiceOptions>;
  readonly pop3?: Partial<Pop3ServiceOptions>;
  readonly limits?: ServerLimits;
}

/** Starts SMTP and POP3 on 127.0.0.1 port 0 over a fresh store, in their own loop. */
export async function startMail(options: MailFixtureOptions = {}): Promise<MailFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'polyport-mail-'));
  const store = new MaildirStore(join(dir, 'mail'), { hostname: 'test' });
  const users = await testUsers();
  const map = new Map();
  const requests: Array<Readonly<Record<string, unknown>>> = [];
  const observer: ServerObserver = { request: (fields) => requests.push(fields) };
  const common = {
    address: ['127.0.0.1', 0] as const,
    users,
    store,
    map,
    observer,
    ...(options.limits ? { limits: options.limits } : {}),
  };
  const smtp = await startSmtpService({
    ...common,
    hostname: 'mx.example.test',
    failedLoginDelay: 10,
    ...options.smtp,
  });
  const pop3 = await startPop3Service({
    ...common,
    allowPlaintext: true,
    failedLoginDelay: 10,
    ...options.pop3,
  });
  const running = loop({ map, timeout: 1 });
  return {
    store,
    users,
    smtpPort: smtp.listener.boundAddress[1],
    pop3Port: pop3.listener.boundAddress[1],
    requests,
    async stop() {
      smtp.close();
      pop3.close();
      await running;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A raw line client for talking to the servers byte by byte. */
export class LineClient {
  readonly sock: Socket;
  #buffer: Buffer = Buffer.alloc(0);

  private constructor(sock: Socket) {
    this.sock = sock;
  }

  /** Connects with a 5-second timeout on every call. */
  static async connect(port: number): Promise<LineClient> {
    return new LineClient(await createConnection(['127.0.0.1', port], 5));
  }

  /** Sends raw text or bytes. */
  send(data: string | Buffer): Promise<void> {
    return this.sock.sendall(data);
  }

  /** Reads one line (without CRLF); rejects at end of stream. */
  async line(): Promise<string> {
    for (;;) {
      const lf = this.#buffer.indexOf(0x0a);
      if (lf !== -1) {
        const line = this.#buffer.subarray(0, lf).toString('latin1').replace(/\r$/, '');
        this.#buffer = this.#buffer.subarray(lf + 1);
        return line;
      }
      const data = await this.sock.recv(65536);
      if (data.length === 0) throw new Error(`connection closed; unread: ${this.#buffer}`);
      this.#buffer = Buffer.concat([this.#buffer, data]);
    }
  }

  /** Reads an SMTP reply (all its lines), returned joined by LF. */
  async reply(): Promise<string> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      lines.push(line);
      if (line[3] !== '-') return lines.join('\n');
    }
  }

  /** Reads until the server closes; returns what came. */
  async rest(): Promise<string> {
    const parts = [this.#buffer];
    this.#buffer = Buffer.alloc(0);
    for (;;) {
      const data = await this.sock.recv(65536);
      if (data.length === 0) return Buffer.concat(parts).toString('latin1');
      parts.push(data);
    }
  }

  close(): void {
    this.sock.close();
  }
}

/** Waits until `check` holds, polling every 10 ms for up to 5 s. */
export async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met within 5 s');
}
