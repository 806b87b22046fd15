/**
 * Helpers for HTTP server tests: a service on 127.0.0.1 port 0 with its own loop, and a raw
 * client over a polyport socket that writes bytes and reads what comes back.
 */
import { spawn } from 'node:child_process';
import { closeAll, loop, type SocketMap } from '../../../../src/dispatch/index.js';
import {
  type HttpHandler,
  type HttpServiceOptions,
  startHttpService,
} from '../../../../src/protocols/http/index.js';
import type { ServerObserver } from '../../../../src/server/server-observer.js';
import { createConnection, type Socket } from '../../../../src/socket/index.js';

/** A service under test. */
export interface TestServer {
  readonly port: number;
  /** Log records the observer received. */
  readonly requests: Array<Readonly<Record<string, unknown>>>;
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/** Starts a service with `handlers` and runs its loop until {@link TestServer.stop}. */
export async function startTestServer(
  handlers: readonly HttpHandler[],
  options: Partial<HttpServiceOptions> = {},
): Promise<TestServer> {
  const map: SocketMap = new Map();
  const requests: Array<Readonly<Record<string, unknown>>> = [];
  const errors: unknown[] = [];
  const observer: ServerObserver = {
    request: (fields) => requests.push(fields),
    error: (err) => errors.push(err),
    ...options.observer,
  };
  const service = await startHttpService({
    address: ['127.0.0.1', 0],
    handlers,
    map,
    ...options,
    observer,
  });
  const running = loop({ map, timeout: 1 });
  return {
    port: service.listener.boundAddress[1],
    requests,
    errors,
    async stop() {
      service.close();
      closeAll(map, true);
      await running;
    },
  };
}

/** Connects a raw client to the test server. */
export async function connect(port: number): Promise<Socket> {
  const sock = await createConnection(['127.0.0.1', port], 5);
  return sock;
}

/** Reads until the peer closes (or `seconds` pass) and returns everything, Latin-1. */
export async function readAll(sock: Socket, seconds = 5): Promise<string> {
  sock.settimeout(seconds);
  const parts: Buffer[] = [];
  try {
    for (;;) {
      const data = await sock.recv(65536);
      if (data.length === 0) break;
      parts.push(data);
    }
  } catch (err) {
    if ((err as { code?: string }).code !== 'ECONNRESET') throw err;
  }
  return Buffer.concat(parts).toString('latin1');
}

/** Reads until `text` holds `count` complete responses by a simple scan, then returns it. */
export async function readUntil(
  sock: Socket,
  done: (text: string) => boolean,
  seconds = 5,
): Promise<string> {
  sock.settimeout(seconds);
  let text = '';
  while (!done(text)) {
    const data = await sock.recv(65536);
    if (data.length === 0) break;
    text += data.toString('latin1');
  }
  return text;
}

/** Sends raw bytes on a fresh connection and reads until the server closes. */
export async function exchange(port: number, raw: string | Buffer, seconds = 5): Promise<string> {
  const sock = await connect(port);
  try {
    await sock.sendall(raw);
    return await readAll(sock, seconds);
  } finally {
    sock.close();
  }
}

/** Counts the status lines in a response stream. */
export function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.[01] \d{3} [^\r]*/g) ?? [];
}

/** What a tool run printed and how it exited. */
export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a tool asynchronously (the server under test shares this process's event loop), killed
 * after `seconds`.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { input?: string | Buffer; seconds?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('latin1');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.seconds ?? 20) * 1000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
