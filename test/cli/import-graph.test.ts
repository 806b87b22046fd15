import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * What a process loads decides how fast `polyport` starts (issue #18): these tests record every
 * module a command resolves (test/cli/record-imports.mjs) and check the heavy ones stay out,
 * with no timing at all.
 */

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const SOCKET = new URL('../../src/socket/index.ts', import.meta.url).href;
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;
const COMMANDS = new URL('../../src/cli/commands.ts', import.meta.url).href;
const RECORDER = fileURLToPath(new URL('./record-imports.mjs', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SRC = new URL('../../src/', import.meta.url).href;

/** Runs node with `args` and returns the URLs it resolved (src/ ones relative to src/). */
async function resolvedBy(args: readonly string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-imports-'));
  const file = join(dir, 'resolved.txt');
  try {
    // Whether the command succeeds is not the point (serve --help exits 0; all should), but an
    // error would mean the recording is of a process that stopped early.
    await run(process.execPath, ['--import', TSX, '--import', RECORDER, ...args], {
      env: { ...process.env, RECORD_IMPORTS_TO: file },
      timeout: 60_000,
    });
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((url) => url !== '')
      .map((url) => (url.startsWith(SRC) ? url.slice(SRC.length) : url));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The npm packages among `urls`. */
function packages(urls: readonly string[]): Set<string> {
  return new Set(
    urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []),
  );
}

test("import 'polyport/socket' loads neither the certificate library nor the logger", async () => {
  const loaded = await resolvedBy([
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(SOCKET)});`,
  ]);
  assert.ok(loaded.includes('socket/socket.ts'), 'the recording holds the socket layer');
  const npm = packages(loaded);
  assert.ok(!npm.has('selfsigned'), 'selfsigned is loaded only to make a certificate');
  assert.ok(!npm.has('pino'));
});

test("import 'polyport/socket' loads Node's TLS module only once a TLS context is used", async () => {
  // The module list of the child itself: node:tls costs tens of ms to load on Node 24, and a UDP
  // client (dig) never needs it.
  const script = `
    const { SSLContext } = await import(${JSON.stringify(SOCKET)});
    const before = process.moduleLoadList.includes('NativeModule tls');
    new SSLContext().secureContext();
    console.log(JSON.stringify([before, process.moduleLoadList.includes('NativeModule tls')]));`;
  const { stdout } = await run(
    process.execPath,
    ['--import', TSX, '--input-type=module', '-e', script],
    { timeout: 60_000 },
  );
  assert.deepEqual(JSON.parse(stdout), [false, true]);
});

test('polyport --version loads no command, no server, no socket layer and no npm package', async () => {
  const loaded = await resolvedBy([BIN, '--version']);
  assert.ok(loaded.includes('cli/main.ts'));
  assert.deepEqual(
    [...packages(loaded)].filter((name) => name !== 'tsx'),
    [],
  );
  for (const folder of ['socket/', 'server/', 'host/services/index', 'host/host']) {
    assert.deepEqual(
      loaded.filter((url) => url.startsWith(folder)),
      [],
      `--version loads nothing from ${folder}`,
    );
  }
  assert.ok(!loaded.some((url) => /^cli\/.*-command\.ts$/.test(url)), 'no command is loaded');
});

/** The client commands that read their command line before loading their client: their folder. */
const LAZY_CLIENTS: Readonly<Record<string, string>> = {
  dig: 'dns',
  http: 'http',
  ftp: 'ftp',
  mail: 'mail',
  finger: 'finger',
  ident: 'ident',
};

/** Client files that are text only, which a command line may read (`ftp://` URLs). */
const TEXT_ONLY = new Set(['protocols/ftp/client/ftp-url.ts']);

for (const [command, folder] of Object.entries(LAZY_CLIENTS)) {
  test(`polyport ${command} --help prints its usage without loading the socket layer or the client`, async () => {
    const loaded = await resolvedBy([BIN, command, '--help']);
    assert.ok(loaded.includes(`protocols/${folder}/cli.ts`), 'the recording holds the command');
    for (const unwanted of [
      'socket/index',
      'socket/socket',
      'protocols/common/index',
      'protocols/common/client-tls',
      ...Object.values(LAZY_CLIENTS).map((name) => `protocols/${name}/client/`),
    ]) {
      assert.deepEqual(
        loaded.filter((url) => url.startsWith(unwanted) && !TEXT_ONLY.has(url)),
        [],
        `${command} --help loads nothing from ${unwanted}`,
      );
    }
    assert.deepEqual(
      [...packages(loaded)].filter((name) => name !== 'tsx'),
      [],
      `${command} --help loads no npm package`,
    );
  });
}

test('polyport dig --help loads no DNS codec: only a question needs it', async () => {
  const loaded = await resolvedBy([BIN, 'dig', '--help']);
  assert.ok(loaded.includes('protocols/dns/cli.ts'), 'the recording holds the command');
  assert.deepEqual(
    loaded.filter(
      (url) => url.startsWith('protocols/dns/codec/') || url.endsWith('dig-request.ts'),
    ),
    [],
  );
});

test('every client command, run with --help, loads no server, logger or certificate library', async () => {
  // One process runs them all (a spawn each would make this file slow): what none of them
  // loads, the union lacks.
  const script = `
    const { main } = await import(${JSON.stringify(MAIN)});
    const { commandTable } = await import(${JSON.stringify(COMMANDS)});
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, isTTY: false, interrupted: new Promise(() => {}) };
    for (const { name } of commandTable()) {
      if (name !== 'serve' && (await main([name, '--help'], io)) !== 0) throw new Error(name);
    }`;
  const loaded = await resolvedBy(['--input-type=module', '-e', script]);
  for (const command of [
    'protocols/dns/cli.ts',
    'protocols/mail/cli.ts',
    'cli/connect-command.ts',
  ]) {
    assert.ok(loaded.includes(command), `the recording holds ${command}`);
  }
  const npm = packages(loaded);
  assert.ok(!npm.has('pino'), 'pino is for serve only');
  assert.ok(!npm.has('selfsigned'));
  assert.deepEqual(
    loaded.filter((url) => url.startsWith('server/') || url.startsWith('host/services/index')),
    [],
    'a client command loads no server',
  );
});

test('polyport serve --help does load the host and pino (the recording sees what is loaded)', async () => {
  const loaded = await resolvedBy([BIN, 'serve', '--help']);
  assert.ok(packages(loaded).has('pino'));
  assert.ok(loaded.includes('host/services/index.ts'));
});
