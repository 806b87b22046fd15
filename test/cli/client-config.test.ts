import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clientConfig, environmentSets } from '../../src/cli/client-config.js';
import { effectiveConfig, type Host, SERVICE_MODULES, serve } from '../../src/host/index.js';
import { startCli } from '../support/cli.js';
import { memoryLogger, SERVICE_TABLES, tempDir } from '../support/host.js';
import { exitWithin } from './cli-wait.js';

/** Whether `port` on 127.0.0.1 is free now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A portOffset at which finger (79) and DNS (53) are both free, found from free ports. */
async function freeOffset(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const offset = 20000 + Math.floor(Math.random() * 40000);
    if ((await isFree(offset + 79)) && (await isFree(offset + 53))) return offset;
  }
  throw new Error('no free offset found');
}

let host: Host;
let offset: number;
before(async () => {
  // Only finger and DNS, on their default ports shifted by a portOffset: what
  // `polyport serve --set portOffset=N` does.
  for (let tries = 0; ; tries++) {
    offset = await freeOffset();
    const sets = [
      `dataDir=${tempDir()}`,
      `portOffset=${offset}`,
      ...SERVICE_TABLES.filter((s) => s !== 'finger' && s !== 'dns').map(
        (s) => `${s}.enabled=false`,
      ),
    ];
    try {
      host = await serve({ config: effectiveConfig({}, { sets }), logger: memoryLogger().logger });
      return;
    } catch (err) {
      if (tries > 5) throw err;
    }
  }
});
after(async () => {
  await host.stop();
});

async function run(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const proc = startCli(args, { env });
  proc.child.stdin?.end();
  const code = await exitWithin(proc, 60);
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

describe('client commands find the server polyport serve runs with the same config', () => {
  test('polyport finger demo reaches a server on portOffset N given POLYPORT_PORT_OFFSET=N', async () => {
    const { code, stdout, stderr } = await run(['finger', 'demo'], {
      ...process.env,
      POLYPORT_PORT_OFFSET: String(offset),
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /demo/i);
  });

  test('polyport dig finds the DNS service on portOffset N given POLYPORT_PORT_OFFSET=N', async () => {
    const { code, stdout, stderr } = await run(['dig', '+short', 'www.example.test'], {
      ...process.env,
      POLYPORT_PORT_OFFSET: String(offset),
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^\d+\.\d+\.\d+\.\d+$/m);
  });

  test('polyport finger --set portOffset=N demo reaches it too', async () => {
    const { code, stdout, stderr } = await run(['finger', '--set', `portOffset=${offset}`, 'demo']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /demo/i);
  });

  test('polyport dig --config FILE asks the DNS port the file gives', async () => {
    const file = join(tempDir(), 'polyport.toml');
    writeFileSync(file, `portOffset = ${offset}\n`);
    const { code, stdout, stderr } = await run([
      'dig',
      '--config',
      file,
      '+short',
      'www.example.test',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^\d+\.\d+\.\d+\.\d+$/m);
  });

  test('a bad POLYPORT_PORT_OFFSET or config key is one usage line naming it, exit 2', async () => {
    const bad = await run(['finger', 'demo'], { ...process.env, POLYPORT_PORT_OFFSET: 'lots' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /POLYPORT_PORT_OFFSET must be a whole number of ports, got 'lots'/);
    const typo = await run(['finger', '--set', 'portOfset=1', 'demo']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /portOfset.*did you mean portOffset/);
  });

  test('--help beside --set or --config is still the help: the config options are taken out first', async () => {
    const help = await run(['finger', '--set', 'portOffset=1', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: polyport finger/m);
    // A config key the command line gives is still checked, as without --help.
    const typo = await run(['finger', '--set', 'portOfset=1', '--help']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /portOfset/);
  });

  test('a plain --help needs no config: it answers even with a POLYPORT_PORT_OFFSET the config refuses', async () => {
    const help = await run(['dig', '--help'], { ...process.env, POLYPORT_PORT_OFFSET: 'lots' });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: polyport dig/m);
    // After --, -h is the command's word, not a request for help: the config is read.
    const word = await run(['finger', '--', '-h'], {
      ...process.env,
      POLYPORT_PORT_OFFSET: 'lots',
    });
    assert.equal(word.code, 2);
    assert.match(word.stderr, /POLYPORT_PORT_OFFSET/);
  });
});

describe('clientConfig()', () => {
  test('takes --config and --set out of the arguments and leaves the rest in order', async () => {
    const { argv, localServers } = await clientConfig(
      ['-l', '--set', 'portOffset=30000', '--set=finger.port=7979', 'demo', '--', '--set'],
      {},
    );
    assert.deepEqual(argv, ['-l', 'demo', '--', '--set']);
    assert.deepEqual(localServers?.('finger', 79), { host: '127.0.0.1', port: 7979 });
    assert.deepEqual(localServers?.('dns', 53), { host: '127.0.0.1', port: 30053 });
  });

  test('without a config option or the variable, the commands keep their defaults', async () => {
    const { argv, localServers } = await clientConfig(['demo'], {});
    assert.deepEqual(argv, ['demo']);
    assert.equal(localServers, undefined);
  });

  test('a wildcard listen address is reached over loopback', async () => {
    const { localServers } = await clientConfig(['--set', 'finger.address=0.0.0.0'], {});
    assert.equal(localServers?.('finger', 79)?.host, '127.0.0.1');
  });

  test('a portOffset alone gives every service the port the whole config gives it', async () => {
    // Alone, it is read without loading the config; with another key, the config is loaded.
    const alone = await clientConfig([], { POLYPORT_PORT_OFFSET: '30000' });
    const withConfig = await clientConfig(['--set', `dataDir=${tempDir()}`], {
      POLYPORT_PORT_OFFSET: '30000',
    });
    const clients = SERVICE_MODULES.filter((s) => s.cli?.usesLocalServer === true);
    assert.ok(clients.length >= 4);
    for (const { name, wellKnownPort } of [
      ...clients,
      ...SERVICE_MODULES.filter((s) => s.name === 'pop3'),
    ]) {
      const got = alone.localServers?.(name, wellKnownPort);
      assert.deepEqual(got, withConfig.localServers?.(name, wellKnownPort), name);
      assert.equal(got?.port, wellKnownPort + 30000, name);
    }
  });

  test('a portOffset the config refuses is still refused by it', async () => {
    await assert.rejects(clientConfig(['--set', 'portOffset=65001'], {}), /portOffset/);
  });

  test('environmentSets() turns POLYPORT_PORT_OFFSET into a portOffset override', () => {
    assert.deepEqual(environmentSets({ POLYPORT_PORT_OFFSET: '40000' }), ['portOffset=40000']);
    assert.deepEqual(environmentSets({}), []);
    assert.throws(() => environmentSets({ POLYPORT_PORT_OFFSET: '-1' }), /whole number/);
  });
});
