/**
 * The FTP benchmark (issue 6): polyport's FTP server (with its accelerators on and off) side by
 * side with vsftpd (when installed), in one run on loopback — RETR and STOR throughput of a 1 GiB
 * file with curl (256 MiB with BENCH_FTP_SMALL=1) and the server CPU seconds each GiB costs, 200
 * concurrent anonymous logins, and the memory 200 idle logged-in clients add (PSS of the server's
 * processes: vsftpd forks per session, polyport does not). The servers take turns going first,
 * round by round. Ratio rows: each polyport side over vsftpd, and polyport on over off.
 * Targets from the issue: throughput >= 0.9x vsftpd, logins faster, < 10 MB for 200 idle clients.
 */
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  acceleratorVariants,
  freePort,
  have,
  inTurn,
  median,
  offName,
  printTable,
  ratio,
  type ServerProcess,
  serverCommand,
  startServer,
  stopChild,
  type Variant,
} from '../lib/harness.js';
import { descendants, treeCpuSeconds, treeMemory } from './process-tree.js';

const run = promisify(execFile);
const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZE = process.env.BENCH_FTP_SMALL === '1' ? 256 * 2 ** 20 : 2 ** 30;
const CLIENTS = 200;
/** Milliseconds a login may take before the benchmark counts it as failed. */
const LOGIN_TIMEOUT = 15_000;

interface Server extends ServerProcess {
  readonly name: string;
}

async function startPolyport({ name, env, file }: Variant, root: string): Promise<Server> {
  const server = await startServer(...serverCommand(file(join(here, 'ftp-server.ts')), root), env);
  return { name, ...server };
}

async function startVsftpd(base: string, root: string): Promise<Server> {
  const port = await freePort();
  const conf = join(base, 'vsftpd.conf');
  writeFileSync(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      'no_anon_password=YES',
      `anon_root=${root}`,
      'local_enable=NO',
      'write_enable=YES',
      'anon_upload_enable=YES',
      'anon_umask=022',
      'seccomp_sandbox=NO',
      'isolate=NO',
      'isolate_network=NO',
      'xferlog_enable=NO',
      'max_clients=0',
      'max_per_ip=0',
      'idle_session_timeout=600',
      '',
    ].join('\n'),
  );
  const child = spawn('vsftpd', [conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    try {
      await greet(port);
      const pid = child.pid ?? 0;
      return {
        name: 'vsftpd',
        port,
        pid,
        // Session processes outlive their parent (for idle_session_timeout): end them too.
        stop: async () => {
          const sessions = descendants(pid);
          await stopChild(child);
          for (const p of sessions) {
            try {
              process.kill(p, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stopChild(child);
  throw new Error('vsftpd did not start');
}

/** A raw FTP control connection that reads replies line by line. */
class Control {
  readonly sock: Socket;
  #buf = '';
  #waiters: Array<() => void> = [];
  constructor(sock: Socket) {
    this.sock = sock;
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.#buf += d;
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  async reply(): Promise<string> {
    for (;;) {
      const m = /^(\d{3}) [^\n]*\n/m.exec(this.#buf);
      if (m) {
        this.#buf = this.#buf.slice((m.index ?? 0) + m[0].length);
        return m[0];
      }
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
  async cmd(line: string): Promise<string> {
    this.sock.write(`${line}\r\n`);
    return this.reply();
  }
}

/**
 * Every control connection the benchmark opened and has not closed. A login still pending at
 * its timeout is left out of the phase's own clean-up; it is closed with the rest when the
 * server stops, or it would keep this process alive as long as a vsftpd session lives.
 */
const sockets = new Set<Socket>();

function closeAllSockets(): void {
  for (const sock of sockets) sock.destroy();
  sockets.clear();
}

async function open(port: number): Promise<Control> {
  const sock = connect(port, '127.0.0.1');
  sockets.add(sock);
  sock.once('close', () => sockets.delete(sock));
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const c = new Control(sock);
  await c.reply();
  return c;
}

async function greet(port: number): Promise<void> {
  const c = await open(port);
  c.sock.destroy();
}

async function login(c: Control): Promise<void> {
  await c.cmd('USER anonymous');
  const r = await c.cmd('PASS bench@example.test');
  if (!r.startsWith('230')) throw new Error(`login failed: ${r}`);
}

/** Opens a connection and logs in, or gives up after `LOGIN_TIMEOUT` ms. */
async function openLoggedIn(port: number, opened: Control[]): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), LOGIN_TIMEOUT);
  });
  const attempt = (async (): Promise<true> => {
    const c = await open(port);
    opened.push(c);
    await login(c);
    return true;
  })();
  try {
    return await Promise.race([attempt.catch(() => false as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * 200 clients connect and log in at once. Returns logins per second over those that finished
 * within the timeout, and how many did (a server that stalls some logins shows it here).
 */
async function concurrentLogins(port: number): Promise<{ rate: number; completed: number }> {
  const opened: Control[] = [];
  const started = performance.now();
  let last = started;
  const results = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const ok = await openLoggedIn(port, opened);
      if (ok) last = performance.now();
      return ok;
    }),
  );
  for (const c of opened) c.sock.destroy();
  const completed = results.filter(Boolean).length;
  return { rate: completed / Math.max((last - started) / 1000, 1e-6), completed };
}

/**
 * Runs one transfer and returns its rate and the server's CPU seconds per GiB moved. Waits a
 * moment after it, so a session process has ended and been counted.
 */
async function measured(
  server: Server,
  transfer: () => Promise<number>,
): Promise<{ rate: number; cpuPerGiB: number }> {
  const before = treeCpuSeconds(server.pid);
  const rate = await transfer();
  await new Promise((r) => setTimeout(r, 300));
  return { rate, cpuPerGiB: (treeCpuSeconds(server.pid) - before) / (SIZE / 2 ** 30) };
}

/**
 * Writes and deletes a file as large as the upload just before each STOR. On a virtual machine
 * memory freed a few seconds ago may have gone back to the host, and the first writer to touch
 * it again pays for faulting it back in (seconds per GiB, in system time): without this, which
 * server meets warm memory depends on the order and timing of what ran before.
 */
function warmPageCache(base: string): void {
  const path = join(base, 'warm.bin');
  const chunk = Buffer.alloc(4 * 2 ** 20);
  const fd = openSync(path, 'w');
  for (let done = 0; done < SIZE; done += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  unlinkSync(path);
}

/** Memory the server adds for 200 idle logged-in clients, in bytes. */
async function idleMemory(server: Server): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  const before = treeMemory(server.pid);
  const clients: Control[] = [];
  for (let i = 0; i < CLIENTS; i += 20) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: 20 }, async () => {
          const c = await open(server.port);
          await login(c);
          return c;
        }),
      )),
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = treeMemory(server.pid);
  for (const c of clients) c.sock.destroy();
  return after - before;
}

/**
 * Runs one curl transfer and returns its average rate in bytes per second, as curl reports it.
 * @param args curl's arguments after its own `-sS -o /dev/null -w …` (a URL, `-T FILE URL`).
 * @throws {Error} when curl fails (it does on a short transfer, too).
 * @example const rate = await curlRate([`ftp://127.0.0.1:${port}/big.bin`], 'speed_download');
 */
export async function curlRate(
  args: string[],
  field: 'speed_download' | 'speed_upload',
): Promise<number> {
  const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', `%{${field}}`, ...args], {
    maxBuffer: 1 << 20,
  });
  return Number(stdout);
}

function makeTree(base: string): { root: string; upload: string } {
  const root = join(base, 'root');
  mkdirSync(join(root, 'incoming'), { recursive: true });
  const chunk = Buffer.alloc(4 * 2 ** 20, 0x42);
  for (const file of [join(root, 'big.bin'), join(base, 'upload.bin')]) {
    const fd = openSync(file, 'w');
    for (let done = 0; done < SIZE; done += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
  }
  // vsftpd runs anonymous sessions as the ftp user: readable tree, writable incoming/.
  for (const dir of [base, root]) chmodSync(dir, 0o755);
  chmodSync(join(root, 'big.bin'), 0o644);
  try {
    const ftp = /^ftp:x:(\d+):(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'));
    if (ftp) chownSync(join(root, 'incoming'), Number(ftp[1]), Number(ftp[2]));
  } catch {
    chmodSync(join(root, 'incoming'), 0o777);
  }
  return { root, upload: join(base, 'upload.bin') };
}

/** Runs the FTP benchmark and returns its medians and ratios. */
export async function runFtpBenchmark(): Promise<unknown> {
  if (!have('curl')) throw new Error('the FTP benchmark needs curl');
  const base = mkdtempSync(join(tmpdir(), 'polyport-ftp-bench-'));
  const { root, upload } = makeTree(base);
  const starters: Array<{ name: string; start: () => Promise<Server> }> = acceleratorVariants(
    'polyport',
  ).map((variant) => ({ name: variant.name, start: () => startPolyport(variant, root) }));
  if (have('vsftpd')) starters.push({ name: 'vsftpd', start: () => startVsftpd(base, root) });
  const samples = new Map<string, number[]>();
  const add = (key: string, v: number): void =>
    void samples.set(key, [...(samples.get(key) ?? []), v]);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const { start } of inTurn(starters, round)) {
        const server = await start();
        try {
          const url = `ftp://127.0.0.1:${server.port}`;
          const retr = await measured(server, () => curlRate([`${url}/big.bin`], 'speed_download'));
          add(`${server.name}|retr`, retr.rate);
          add(`${server.name}|retrCpu`, retr.cpuPerGiB);
          warmPageCache(base);
          const stor = await measured(server, () =>
            curlRate(['-T', upload, `${url}/incoming/up-${round}.bin`], 'speed_upload'),
          );
          add(`${server.name}|stor`, stor.rate);
          add(`${server.name}|storCpu`, stor.cpuPerGiB);
          rmSync(join(root, 'incoming', `up-${round}.bin`), { force: true });
          const logins = await concurrentLogins(server.port);
          add(`${server.name}|logins`, logins.rate);
          add(`${server.name}|completed`, logins.completed);
          add(`${server.name}|memory`, await idleMemory(server));
        } finally {
          closeAllSockets();
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  const names = starters.map((s) => s.name);
  const med = (name: string, what: string): number => median(samples.get(`${name}|${what}`) ?? [0]);
  const columns = ['retr', 'retrCpu', 'stor', 'storCpu', 'logins', 'memory'];
  /** A row of ratios of server `a` over server `b`, column by column. */
  const ratioRow = (a: string, b: string, label = `${a} / ${b}`): string[] => [
    label,
    ...columns.map((what) => ratio(med(a, what), med(b, what))),
  ];
  const mib = (v: number): string => (v / 2 ** 20).toFixed(1);
  const cpu = (n: string, what: string): string => med(n, what).toFixed(2);
  const rows = names.map((n) => [
    n,
    mib(med(n, 'retr')),
    cpu(n, 'retrCpu'),
    mib(med(n, 'stor')),
    cpu(n, 'storCpu'),
    `${Math.round(med(n, 'logins'))} (${med(n, 'completed')}/${CLIENTS})`,
    mib(med(n, 'memory')),
  ]);
  const polyports = names.filter((n) => n !== 'vsftpd');
  if (names.includes('vsftpd')) for (const n of polyports) rows.push(ratioRow(n, 'vsftpd'));
  rows.push(ratioRow('polyport', offName('polyport'), 'polyport on/off'));
  printTable(
    `ftp: ${mib(SIZE)} MiB RETR/STOR with curl, ${CLIENTS} concurrent anonymous logins, memory added by ${CLIENTS} idle clients (median of ${ROUNDS})`,
    ['server', 'RETR MiB/s', 'CPU s/GiB', 'STOR MiB/s', 'CPU s/GiB', 'logins/s', 'idle MiB'],
    rows,
  );
  return {
    rounds: ROUNDS,
    fileBytes: SIZE,
    clients: CLIENTS,
    servers: Object.fromEntries(
      names.map((n) => [
        n,
        {
          retrBytesPerSecond: med(n, 'retr'),
          retrCpuSecondsPerGiB: med(n, 'retrCpu'),
          storBytesPerSecond: med(n, 'stor'),
          storCpuSecondsPerGiB: med(n, 'storCpu'),
          loginsPerSecond: med(n, 'logins'),
          loginsCompleted: med(n, 'completed'),
          idleMemoryBytes: med(n, 'memory'),
        },
      ]),
    ),
    acceleratorsOnOff: Object.fromEntries(
      columns.map((what) => [what, med('polyport', what) / med(offName('polyport'), what)]),
    ),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  await runFtpBenchmark();
}
