import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/host/index.js';
import { createConnection } from '../../src/socket/index.js';
import { nodeMajor } from '../../src/socket/node/node-majors.js';
import { slabReads } from '../../src/socket/node/slab-reads.js';
import { portFromListing, runCli, startCli } from '../support/cli.js';
import { SERVICE_TABLES, tempDir } from '../support/host.js';

const ZERO_PORTS = SERVICE_TABLES.flatMap((s) => ['--set', `${s}.port=0`]);

/** Waits until `condition()` holds, failing after 30 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('polyport serve prints one line per listener and exits 0 on SIGTERM', async () => {
  const dir = tempDir();
  const proc = startCli(['serve', ...ZERO_PORTS], { cwd: dir });
  try {
    await proc.waitFor(/Press Ctrl-C to stop\./);
    assert.match(proc.stdout, /^polyport \d+\.\d+\.\d+: \d+ services, data in \.\/polyport-data$/m);
    const admin = portFromListing(proc.stdout, 'admin');
    assert.match(
      proc.stdout,
      new RegExp(`^Web UI, API and metrics: http://127\\.0\\.0\\.1:${admin}/$`, 'm'),
    );
    const port = portFromListing(proc.stdout, 'daytime');
    const sock = await createConnection(['127.0.0.1', port], 5);
    assert.match((await sock.recv(100)).toString(), /UTC/);
    sock.close();
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    assert.match(proc.stderr, /stopping/);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

/** This process's environment with every accelerator switch cleared, or set to `1`. */
function switches(value: '1' | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['POLYPORT_PUBLIC_READS', 'POLYPORT_PUBLIC_DATAGRAMS']) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

test('polyport serve lists its Node and which accelerators run, after their self-tests', async () => {
  const proc = startCli(['serve', ...ZERO_PORTS], { cwd: tempDir(), env: switches(undefined) });
  try {
    await proc.waitFor(/Press Ctrl-C to stop\./);
    const line = /^Node\.js (v\S+); accelerators: (.*)$/m.exec(proc.stdout);
    assert.ok(line, `no accelerator line in:\n${proc.stdout}`);
    assert.equal(line[1], process.version);
    // CI runs this on majors in the table with the addon built: both self-tests must pass.
    const datagrams = process.env.POLYPORT_REQUIRE_NATIVE === '1' ? 'on' : '(on|off \\(.+\\))';
    const reads = slabReads.majors?.includes(nodeMajor())
      ? 'on'
      : `off \\(no gain measured on Node ${nodeMajor()}; [^)]*\\)`;
    assert.match(
      line[2] ?? '',
      new RegExp(`^slab_reads ${reads}, batched_datagrams ${datagrams}$`),
    );
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('polyport serve lists accelerators switched off with the switch that did it', async () => {
  const proc = startCli(['serve', ...ZERO_PORTS], { cwd: tempDir(), env: switches('1') });
  try {
    await proc.waitFor(/Press Ctrl-C to stop\./);
    assert.match(
      proc.stdout,
      /^Node\.js v\S+; accelerators: slab_reads off \(POLYPORT_PUBLIC_READS=1\), batched_datagrams off \(POLYPORT_PUBLIC_DATAGRAMS=1\)$/m,
    );
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('polyport serve exits at once on a second signal while connections linger', async () => {
  const dir = tempDir();
  const proc = startCli(['serve', '--grace', '60', ...ZERO_PORTS], { cwd: dir });
  try {
    await proc.waitFor(/Press Ctrl-C/);
    const idle = await createConnection(['127.0.0.1', portFromListing(proc.stdout, 'echo')], 5);
    proc.child.kill('SIGINT');
    await until(() => /stopping/.test(proc.stderr));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(proc.child.exitCode, null, 'still waiting for the idle connection');
    proc.child.kill('SIGINT');
    assert.equal(await proc.exited, 1);
    idle.close();
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('polyport serve reloads its config file on SIGHUP', async () => {
  const dir = tempDir();
  const config = join(dir, 'polyport.toml');
  writeFileSync(config, '[qotd]\nenabled = true\n');
  const proc = startCli(['serve', '--config', config, ...ZERO_PORTS], { cwd: dir });
  try {
    await proc.waitFor(/Press Ctrl-C/);
    assert.match(proc.stdout, /^\s+qotd\s+tcp/m);
    writeFileSync(config, '[qotd]\nenabled = false\n');
    proc.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!/config reloaded/.test(proc.stderr) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(proc.stderr, /config reloaded/);
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('polyport serve --print-config prints TOML that loads back to the same config', async () => {
  const dir = tempDir();
  const { code, stdout } = await runCli(['serve', '--print-config', '--set', 'portOffset=20000'], {
    cwd: dir,
  });
  assert.equal(code, 0);
  assert.match(stdout, /portOffset = 20000/);
  const file = join(dir, 'printed.toml');
  writeFileSync(file, stdout);
  const reloaded = await loadConfig({ path: file });
  assert.equal(reloaded.http.port, 20080);
});

test('polyport serve stops with exit 2 and names the key, the value and what was expected', async () => {
  const { code, stderr } = await runCli(['serve', '--set', 'http.port=eighty'], { cwd: tempDir() });
  assert.equal(code, 2);
  assert.match(stderr, /http\.port/);
  assert.match(stderr, /eighty/);
  assert.match(stderr, /integer/);
});

test('polyport serve --log-format json writes JSON lines', async () => {
  const dir = tempDir();
  // At debug: the connection lines are there only then.
  const args = ['serve', '--log-format', 'json', '--set', 'log.level=debug', ...ZERO_PORTS];
  const proc = startCli(args, { cwd: dir });
  try {
    await proc.waitFor(/Press Ctrl-C/);
    const sock = await createConnection(['127.0.0.1', portFromListing(proc.stdout, 'time')], 5);
    await sock.recv(10);
    sock.close();
    proc.child.kill('SIGTERM');
    await proc.exited;
    const lines = proc.stderr.trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(records.some((r) => r.service === 'time' && r.msg === 'connection closed'));
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('polyport --help lists the commands and every command answers --help', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  const names = [...top.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1] as string);
  assert.ok(names.includes('serve') && names.includes('hash-password'));
  for (const name of names) {
    const help = await runCli([name, '--help']);
    assert.equal(help.code, 0, `${name} --help exits 0`);
    assert.match(help.stdout, /Usage: polyport /, `${name} --help shows a usage line`);
  }
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
});

test('polyport hash-password prints a hash that verifies', async () => {
  const { code, stdout } = await runCli(['hash-password'], { input: 'correct horse\n' });
  assert.equal(code, 0);
  const { verifyPassword } = await import('../../src/host/index.js');
  assert.ok(await verifyPassword('correct horse', stdout.trim()));
  assert.ok(!(await verifyPassword('wrong', stdout.trim())));
});
