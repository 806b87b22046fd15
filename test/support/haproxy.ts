/**
 * HAProxy as a child process for interop tests: started in the foreground (`-db`) on a config
 * the test writes, waited for until its frontends listen, asked for its servers' states over its
 * stats socket, and stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitForPort } from './ports.js';

/** One row of HAProxy's `show stat`: a frontend, a backend or a server, and its status. */
export interface HaproxyStatRow {
  /** The proxy (frontend or backend) name. */
  readonly proxy: string;
  /** The server name, or `FRONTEND` / `BACKEND`. */
  readonly server: string;
  /** `UP`, `DOWN`, `OPEN`, `no check`, … (`UP 1/2` while a check is counting). */
  readonly status: string;
}

/** A running HAProxy. */
export interface Haproxy {
  readonly child: ChildProcess;
  /** What HAProxy printed so far (stdout and stderr), for failure messages. */
  readonly output: () => string;
  /** The rows of `show stat`, read from the stats socket. */
  stat(): Promise<HaproxyStatRow[]>;
  /** Kills HAProxy and waits (at most 5 s) for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `haproxy -db` on `config` (written to `dir/haproxy.cfg`, after a `global` section that
 * opens the stats socket `dir/haproxy.sock`) and waits until every port of `ports` accepts
 * connections on 127.0.0.1.
 * @param dir a directory of the test's own.
 * @param config the config without its `global` section: `defaults`, frontends, backends.
 * @param ports the frontends' ports to wait for.
 * @throws {Error} when a frontend does not listen within 10 s.
 * @example
 * const haproxy = await startHaproxy(dir, `defaults\n  mode tcp\n…`, [front]);
 * try { … (await haproxy.stat()).find((r) => r.server === 'a') … } finally { await haproxy.stop(); }
 */
export async function startHaproxy(
  dir: string,
  config: string,
  ports: readonly number[],
): Promise<Haproxy> {
  const socketPath = join(dir, 'haproxy.sock');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, `global\n  maxconn 256\n  stats socket ${socketPath} mode 600\n${config}`);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const haproxy: Haproxy = {
    child,
    output: () => output,
    stat: () => showStat(socketPath),
    async stop() {
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
  try {
    await Promise.all(ports.map((port) => waitForPort(port, 10)));
  } catch (err) {
    await haproxy.stop();
    throw new Error(`HAProxy did not listen: ${(err as Error).message}\n${output}`);
  }
  return haproxy;
}

/** Sends `show stat` to the stats socket at `path` and parses its CSV answer. */
function showStat(path: string): Promise<HaproxyStatRow[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const sock = connect(path, () => sock.end('show stat\n'));
    sock.setTimeout(5000, () => sock.destroy(new Error('no answer from the stats socket')));
    sock.on('data', (d: Buffer) => {
      text += d.toString();
    });
    sock.once('error', reject);
    sock.once('close', () => {
      const [head, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
      const columns = (head ?? '').replace(/^# /, '').split(',');
      const at = (name: string): number => columns.indexOf(name);
      const [px, sv, st] = [at('pxname'), at('svname'), at('status')];
      if (px < 0 || sv < 0 || st < 0) {
        reject(new Error(`unexpected show stat answer: ${text}`));
        return;
      }
      resolve(
        lines.map((line) => {
          const cells = line.split(',');
          return { proxy: cells[px] ?? '', server: cells[sv] ?? '', status: cells[st] ?? '' };
        }),
      );
    });
  });
}
