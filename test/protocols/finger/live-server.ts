/**
 * A finger service on 127.0.0.1 in its own dispatcher loop, and a raw client that sends bytes
 * and reads the reply until the server closes, with a deadline on every wait.
 */
import { loop } from '../../../src/dispatch/index.js';
import {
  type FingerServiceOptions,
  type FingerUser,
  startFingerService,
} from '../../../src/protocols/finger/index.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../../src/server/limits.js';
import type { ServerObserver } from '../../../src/server/server-observer.js';
import { createConnection, type Socket } from '../../../src/socket/index.js';
import { alice, bob, mallory } from './fixtures.js';

/** The users every live test serves: alice is logged in, bob is not, mallory is hostile. */
export const USERS: readonly FingerUser[] = [alice, bob, mallory];

/** A running finger service. */
export interface LiveFinger {
  readonly port: number;
  /** What the observer was told, one entry per answered query. */
  readonly requests: Array<Readonly<Record<string, unknown>>>;
  stop(): Promise<void>;
}

/** Options for {@link startLiveFinger}: any service option, limits merged over the defaults. */
export type LiveFingerOptions = Partial<Omit<FingerServiceOptions, 'limits'>> & {
  readonly limits?: Partial<ServerLimits>;
};

/** Starts a finger service on 127.0.0.1, port 0 unless given, in a loop of its own. */
export async function startLiveFinger(options: LiveFingerOptions = {}): Promise<LiveFinger> {
  const map = new Map();
  const requests: Array<Readonly<Record<string, unknown>>> = [];
  const observer: ServerObserver = { request: (fields) => requests.push(fields) };
  const { limits, ...rest } = options;
  const service = await startFingerService({
    address: ['127.0.0.1', 0],
    users: USERS,
    map,
    observer,
    ...rest,
    limits: { ...DEFAULT_LIMITS, ...limits },
  });
  const running = loop({ map, timeout: 1 });
  return {
    port: service.listener.boundAddress[1],
    requests,
    async stop() {
      service.close();
      await running;
    },
  };
}

/** Connects with a 5-second timeout on every call. */
export function connect(port: number): Promise<Socket> {
  return createConnection(['127.0.0.1', port], 5);
}

/** Reads until the server closes; rejects if it stalls for 5 s. */
export async function readAll(sock: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for (let data = await sock.recv(65536); data.length > 0; data = await sock.recv(65536)) {
      chunks.push(data);
    }
  } finally {
    sock.close();
  }
  return Buffer.concat(chunks);
}

/** Sends `query` as is (no CRLF added) and returns the whole reply as Latin-1 text. */
export async function ask(port: number, query: string | Buffer): Promise<string> {
  const sock = await connect(port);
  await sock.sendall(query);
  return (await readAll(sock)).toString('latin1');
}
