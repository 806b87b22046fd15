/**
 * `polyport serve` run as a user runs `npm start` in the background: `node dist/bin/polyport.cjs serve`
 * with no options (or `--quiet`, for comparison), from a folder of its own so its data goes to
 * ./polyport-data, stdout and stderr appended to a log file in that folder, on its default ports.
 * The servers' Node is `serverNode()`, so `--node 24` runs it on Node 24.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ACCELERATORS_OFF, stopChild } from '../lib/harness.js';
import { connects, waitForListening } from '../lib/port-probe.js';
import { serverNode } from '../lib/server-node.js';

/** The CLI `npm start` runs. */
export const POLYPORT_BIN = join(import.meta.dirname, '../../dist/bin/polyport.cjs');

/**
 * The default ports (well-known + 10000) of the services the section measures, and the admin
 * listener's: with `--workers`, the main process opens it once every worker listens, so serve
 * is ready when all of them are open.
 */
export const DEFAULT_PORTS = { http: 10080, ftp: 10021, dns: 10053, admin: 10001 } as const;

/** The log file, in the folder serve runs from, that its stdout and stderr go to. */
export const SERVE_LOG = 'polyport.log';

/** A running `polyport serve`. */
export interface Serve {
  readonly pid: number;
  /** SIGTERM, then SIGKILL 3 s later; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Variables a machine may set that a default install has not, and that change what the section
 * measures. `NODE_EXTRA_CA_CERTS` makes Node 20 read and parse that certificate bundle at every
 * start, before any code runs: with the system's bundle, about 40 ms of a 95 ms `node -e 0`.
 * Node 22 and later read it only when TLS first needs it. The CLI start-up part times
 * `node -e 0` with it too, so its cost stays in view.
 */
export const MACHINE_ENV = ['NODE_EXTRA_CA_CERTS'] as const;

/**
 * The environment `npm start` would get, less what would move it off its defaults: no
 * accelerator switched off, no port offset, none of {@link MACHINE_ENV}.
 */
export function serveEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const moving = [...Object.keys(ACCELERATORS_OFF), 'POLYPORT_PORT_OFFSET', ...MACHINE_ENV];
  for (const key of moving) delete env[key];
  return env;
}

/**
 * Fails with one clear line when one of the default ports is taken: the section measures serve on
 * its defaults and moves to no other port.
 * @throws {Error} naming the busy port.
 */
export async function assertDefaultPortsFree(): Promise<void> {
  for (const [service, port] of Object.entries(DEFAULT_PORTS)) {
    if (await connects(port)) {
      throw new Error(
        `defaults: 127.0.0.1:${port} (${service}) is busy — another polyport serve? The section runs serve on its default ports; stop what listens there.`,
      );
    }
  }
}

/**
 * Starts `polyport serve` in `dir` and resolves once it listens on HTTP's, FTP's, DNS's (TCP) and
 * the admin listener's ports: it (or its workers), not another server that took them meanwhile.
 * @param args extra options (`['--quiet']`, `['--workers', '2']`); none is `npm start`.
 * @throws {Error} with the log's last lines when it exits or is not ready within 30 s.
 * @example const serve = await startServe(dir); … await serve.stop();
 */
export async function startServe(dir: string, args: readonly string[] = []): Promise<Serve> {
  await assertDefaultPortsFree();
  const logPath = join(dir, SERVE_LOG);
  const log = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(serverNode().path, [POLYPORT_BIN, 'serve', ...args], {
      cwd: dir,
      env: serveEnv(),
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
  // The log goes with the server: a default serve under wrk writes hundreds of megabytes of
  // access lines, and while the kernel wrote 455 MB of them back, the CLI part after it timed
  // Node's own start-up 10 ms slower and `polyport dig` 50 ms slower. Deleted, their pages are
  // dropped unwritten.
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(logPath, { force: true });
  };
  try {
    await waitForListening(child.pid ?? 0, Object.values(DEFAULT_PORTS), 30_000, () =>
      child.exitCode === null && child.signalCode === null
        ? undefined
        : `polyport serve exited (${child.exitCode ?? child.signalCode})`,
    );
  } catch (err) {
    await stopChild(child);
    const tail = existsSync(logPath)
      ? readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join('\n')
      : '';
    rmSync(logPath, { force: true });
    throw new Error(`${['polyport serve', ...args].join(' ')}: ${(err as Error).message}\n${tail}`);
  }
  return { pid: child.pid ?? 0, stop };
}
