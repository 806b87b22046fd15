import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getaddrinfo, SOCK_STREAM } from '../../src/socket/index.js';
import { runCli, startCli } from '../support/cli.js';
import { needs } from '../support/interop.js';
import { exitWithin } from './cli-wait.js';

const run = promisify(execFile);

/** A stretch of ports holding two services /etc/services names (dcap 22125, gsidcap 22128). */
const FIRST = 22120;
const LAST = 22130;

function listen(port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((conn) => {
      conn.on('error', () => {});
      conn.destroy();
    });
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Listens on `open` (ports of FIRST..LAST) at a loopback address of our own. The ports are fixed
 * because the test is about the names /etc/services gives them; the address is not: Linux routes
 * all of 127/8 to loopback, so a random 127.x.y.z has no other listener, and binding every port of
 * the range there first proves it (a listener on 0.0.0.0 would make that bind fail).
 */
async function ownRange(open: readonly number[]): Promise<{ host: string; servers: Server[] }> {
  const byte = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));
  const taken: string[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const host = `127.${byte(1, 254)}.${byte(0, 255)}.${byte(1, 254)}`;
    const servers: Server[] = [];
    try {
      for (let port = FIRST; port <= LAST; port++) servers.push(await listen(port, host));
    } catch (err) {
      taken.push(`${host}: ${(err as Error).message}`);
      await Promise.all(servers.map(close));
      continue;
    }
    const keep = servers.filter((s) => open.includes((s.address() as { port: number }).port));
    await Promise.all(servers.filter((s) => !keep.includes(s)).map(close));
    return { host, servers: keep };
  }
  throw new Error(`ports ${FIRST}-${LAST} are taken on every address tried: ${taken.join('; ')}`);
}

test('polyport scan finds exactly the open ports of a loopback range and names them', async (t) => {
  // Every other port of the range was listening a moment ago (see ownRange()): it must be
  // reported closed, not remembered.
  const { host, servers } = await ownRange([22122, 22125, 22128]);
  t.after(() => Promise.all(servers.map(close)));
  const { code, stdout, stderr } = await runCli(['scan', host, `${FIRST}-${LAST}`]);
  assert.equal(code, 0, stderr);
  const found = [...stdout.matchAll(/^(\d+)\/tcp\s+open\s+(\S+)$/gm)].map((m) => [
    Number(m[1]),
    m[2],
  ]);
  assert.deepEqual(found, [
    [22122, '?'],
    [22125, 'dcap'],
    [22128, 'gsidcap'],
  ]);
  const at = host.replaceAll('.', '\\.');
  assert.match(stdout, new RegExp(`^Scanning ${at}: 11 ports, 100 at a time, 1 s timeout$`, 'm'));
  assert.match(stdout, /^PORT\s+STATE\s+SERVICE$/m);
  assert.match(
    stdout,
    new RegExp(`^Scanned 11 ports on ${at} in [\\d.]+ s: 3 open, 8 closed, 0 filtered\\.$`, 'm'),
  );
  // stderr is not a terminal here: no progress bar.
  assert.equal(stderr, '');
});

test('polyport scan with --concurrency 1 finds the same port, and names the host it resolved', async (t) => {
  // Listen where the scan will look: the first address localhost resolves to.
  const [first] = await getaddrinfo('localhost', 0, 0, SOCK_STREAM);
  assert.ok(first !== undefined, 'localhost resolves');
  const server = await listen(0, (first[4] as [string, number])[0]);
  t.after(() => close(server));
  const port = (server.address() as { port: number }).port;
  const { code, stdout } = await runCli([
    'scan',
    '--concurrency',
    '1',
    '--timeout',
    '2',
    'localhost',
    `${port - 1}-${port + 1}`,
  ]);
  assert.equal(code, 0);
  assert.match(stdout, new RegExp(`^${port}/tcp\\s+open\\s+\\S+$`, 'm'));
  assert.match(
    stdout,
    /^Scanning localhost \((127\.0\.0\.1|::1)\): 3 ports, 1 at a time, 2 s timeout$/m,
  );
});

test('polyport scan exits 0 and says so when no port is open', async (t) => {
  const server = await listen(0);
  const port = (server.address() as { port: number }).port;
  await close(server);
  t.diagnostic(`scanning the just-closed port ${port}`);
  const { code, stdout } = await runCli(['scan', '127.0.0.1', String(port)]);
  assert.equal(code, 0);
  assert.doesNotMatch(stdout, /PORT\s+STATE/);
  assert.match(
    stdout,
    /^No open ports\.\nScanned 1 port on 127\.0\.0\.1 in [\d.]+ s: 0 open, 1 closed, 0 filtered\.$/m,
  );
});

test('polyport scan refuses a port list of more than 65535 ports with exit 2', async () => {
  const { code, stdout, stderr } = await runCli(['scan', '127.0.0.1', '1-65535,80']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /more than 65535 ports/);
});

test('polyport scan exits 2 with a message for a bad port list or bad options', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['127.0.0.1', '80,http'], /bad port list: 'http' is not a port/],
    [['127.0.0.1', '0-10'], /port 0 is outside 1-65535/],
    [['127.0.0.1', '100-90'], /ends before it starts/],
    [['127.0.0.1'], /give HOST and PORTS/],
    [['-c', '0', '127.0.0.1', '80'], /--concurrency must be a whole number/],
    [['-t', 'soon', '127.0.0.1', '80'], /--timeout must be a positive number/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(['scan', ...args]);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
});

test('polyport scan exits 1 when the host does not resolve', async () => {
  const { code, stderr } = await runCli(['scan', 'no-such-host.invalid', '80']);
  assert.equal(code, 1);
  assert.match(stderr, /^polyport scan: .*no-such-host\.invalid/);
});

test('polyport scan --help explains the port list and exits 0', async () => {
  const { code, stdout } = await runCli(['scan', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /1-1024/);
});

test(
  'polyport scan draws a progress bar on stderr when it is a terminal',
  needs('script'),
  async (t) => {
    const server = await listen(0);
    t.after(() => close(server));
    const port = (server.address() as { port: number }).port;
    const bin = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
    const command = `${process.execPath} --import tsx ${bin} scan 127.0.0.1 ${port - 50}-${port + 50}`;
    // script(1) runs the command on a pseudo-terminal: stdout and stderr are both a tty.
    const { stdout } = await run('script', ['-qec', command, '/dev/null'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 30_000,
    });
    assert.match(stdout, /\[[#.]{30}\] +\d+\/101 ports +\d+%/);
    // The bar is erased before each printed line and at the end, so no line holds both.
    assert.match(stdout, /\r\x1b\[2K/);
    assert.match(stdout, new RegExp(`(^|\\n|\\x1b\\[2K)${port}/tcp\\s+open`));
    // Other tests may listen in the range too: only our port is certain.
    assert.match(stdout, /Scanned 101 ports on 127\.0\.0\.1 in [\d.]+ s: \d+ open/);
  },
);

test('polyport scan stops on Ctrl-C (SIGINT), prints what it found so far and exits 1', async (t) => {
  const server = await listen(0);
  t.after(() => close(server));
  const proc = startCli(['scan', '-c', '1', '127.0.0.1', '1-65535']);
  await proc.waitFor(/^Scanning /m);
  await new Promise((resolve) => setTimeout(resolve, 500));
  proc.child.kill('SIGINT');
  assert.equal(await exitWithin(proc), 1);
  assert.match(proc.stdout, /^Scanned \d+ of 65535 ports on 127\.0\.0\.1 in [\d.]+ s: \d+ open/m);
  assert.match(proc.stderr, /interrupted/);
});
