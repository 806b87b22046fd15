import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import {
  ConfigError,
  configSchema,
  conflict,
  type DatagramServiceConfig,
  effectiveConfig,
  running,
  SERVICE_MODULES,
  type ServiceModule,
  serve,
  stringType,
} from '../../src/host/index.js';
import {
  type CliCommand,
  type CliIO,
  EXIT,
  localServer,
} from '../../src/protocols/common/index.js';
import { DatagramServer } from '../../src/server/datagram-server.js';
import { AF_INET, SOCK_DGRAM, Socket } from '../../src/socket/index.js';
import { memoryLogger, tempDir } from '../support/host.js';

/** `[upper]`: the shared keys of a UDP service, and its own `prefix`. */
interface UpperConfig extends DatagramServiceConfig {
  readonly prefix: string;
}

/** `polyport upper TEXT`: sends TEXT to the local upper service and prints the answer. */
const upperCommand: CliCommand = {
  name: 'upper',
  summary: 'shout TEXT at the upper service',
  help: 'Usage: polyport upper TEXT\n',
  async run(argv, io) {
    const { host, port } = localServer(io, 'upper', 11007);
    const client = new Socket(AF_INET, SOCK_DGRAM);
    client.settimeout(5);
    try {
      await client.sendto(argv.join(' '), [host, port]);
      const [answer] = await client.recvfrom(512);
      io.stdout.write(`${answer.toString('latin1')}\n`);
      return EXIT.OK;
    } finally {
      client.close();
    }
  },
};

/**
 * An echo that answers in capitals, defined in this file only: everything a new service brings
 * (its table, its own key and check, its starter and listing row, its client command) is here,
 * and the host, the config and the command line find it in the list they are given.
 */
const upper: ServiceModule<UpperConfig> = {
  name: 'upper',
  title: 'Upper-case echo',
  wellKnownPort: 1007,
  datagram: true,
  maxRequestSize: 512,
  keys: [
    {
      key: 'upper.prefix',
      type: stringType({ name: 'text' }),
      default: '',
      doc: 'Text put before each answer.',
    },
  ],
  crossCheck(table) {
    if (table.prefix.length <= 8) return [];
    return [conflict('upper.prefix', table.prefix, 'at most 8 characters')];
  },
  async start(context, table) {
    if (!table.enabled || !table.udp) return null;
    const server = await DatagramServer.open({
      address: [table.address, table.port],
      handler: (data) =>
        Buffer.from(table.prefix + data.toString('latin1').toUpperCase(), 'latin1'),
      observer: context.observer('upper', 'upper'),
      map: context.map,
      clock: context.clock,
    });
    return running('upper', table.address, { udp: server.boundAddress[1] }, () => server.close());
  },
  cli: { command: upperCommand, usesLocalServer: true },
};

const WITH_UPPER: readonly ServiceModule[] = [...SERVICE_MODULES, upper];

/** Every built-in service off but echo (on a free port): the test is about upper. */
function onlyEchoSets(dataDir: string): string[] {
  return [
    `dataDir=${dataDir}`,
    ...SERVICE_MODULES.filter((s) => s.name !== 'echo').map((s) => `${s.name}.enabled=false`),
    'echo.port=0',
  ];
}

/** Streams for main() that keep what it writes. */
function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        add(chunk.toString());
        done();
      },
    });
  const io: CliIO = {
    stdin: process.stdin,
    stdout: sink((t) => {
      out += t;
    }),
    stderr: sink((t) => {
      err += t;
    }),
    isTTY: false,
    interrupted: new Promise(() => {}),
  };
  return { io, out: () => out, err: () => err };
}

async function ask(port: number, text: string): Promise<string> {
  const client = new Socket(AF_INET, SOCK_DGRAM);
  client.settimeout(5);
  try {
    await client.sendto(text, ['127.0.0.1', port]);
    const [answer] = await client.recvfrom(512);
    return answer.toString('latin1');
  } finally {
    client.close();
  }
}

test('a service module given with the others brings its config table: shared keys, its own key and its check', () => {
  const config = effectiveConfig(
    { upper: { prefix: '> ', limits: { udpRate: 5 } } },
    {
      services: WITH_UPPER,
    },
  );
  const table = (config as unknown as Record<string, UpperConfig>).upper!;
  assert.equal(table.prefix, '> ');
  assert.equal(table.port, 11007, 'the well-known port plus portOffset');
  assert.equal(table.udp, true);
  assert.equal(table.limits.udpRate, 5);
  assert.equal(table.limits.maxRequestSize, 512);
  assert.throws(
    () => effectiveConfig({}, { services: WITH_UPPER, sets: ['upper.prefix=much too long'] }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.includes('config: upper.prefix = "much too long": expected at most 8 characters'),
  );
});

test('a module whose name or keys would clash with the schema is refused as a mistake in the module', () => {
  assert.throws(() => configSchema([...SERVICE_MODULES, { ...upper, name: 'http' }]), {
    message: 'config schema: two services are named http',
  });
  assert.throws(() => configSchema([...SERVICE_MODULES, { ...upper, name: 'log', keys: [] }]), {
    message: "config schema: log is not a service's name",
  });
  const stray = { ...upper, keys: [{ ...upper.keys![0]!, key: 'http.prefix' }] };
  assert.throws(() => configSchema([...SERVICE_MODULES, stray]), {
    message: 'config schema: upper brings http.prefix, outside [upper]',
  });
});

test('without its module, a service table is an unknown key, as before', () => {
  assert.throws(
    () => effectiveConfig({ upper: { prefix: '> ' } }),
    (err: unknown) => err instanceof ConfigError && /unknown key upper\b/.test(err.message),
  );
});

test('serve() starts a service module given with the others, lists it, counts it, and it answers', async () => {
  const { logger } = memoryLogger();
  const config = effectiveConfig(
    {},
    { services: WITH_UPPER, sets: [...onlyEchoSets(tempDir()), 'upper.port=0', 'upper.prefix=> '] },
  );
  const host = await serve({ config, logger, services: WITH_UPPER });
  try {
    const row = host.listeners.find((l) => l.service === 'upper');
    assert.ok(row, 'upper has a row in the listing');
    assert.equal(row.transport, 'udp');
    assert.ok(
      host.listeners.some((l) => l.service === 'echo'),
      'the built-in services still run',
    );
    assert.equal(await ask(row.port, 'hello'), '> HELLO');
    const metrics = await host.metrics();
    assert.match(metrics, /^polyport_requests_total\{service="upper"\} 1$/m);
    // Its bytes are datagrams: a UDP series, and none for TCP.
    assert.match(metrics, /^polyport_received_bytes_total\{service="upper",transport="udp"\} 5$/m);
    assert.doesNotMatch(metrics, /\{service="upper",transport="tcp"\}/);
  } finally {
    await host.stop(1000);
  }
});

test("polyport's command line offers a module's command and accepts its config keys", async () => {
  const help = capture();
  assert.equal(await main(['--help'], help.io, WITH_UPPER), EXIT.OK);
  assert.match(help.out(), /^ {2}upper\s+shout TEXT at the upper service$/m);

  const printed = capture();
  const code = await main(
    ['serve', '--print-config', '--set', 'upper.prefix=!', '--set', 'upper.udp=false'],
    printed.io,
    WITH_UPPER,
  );
  assert.equal(code, EXIT.OK, printed.err());
  assert.match(printed.out(), /^\[upper\]\n(?:.*\n)*?prefix = "!"$/m);
  assert.match(printed.out(), /^\[upper\]\n(?:.*\n)*?udp = false$/m);

  const { logger } = memoryLogger();
  const config = effectiveConfig(
    {},
    { services: WITH_UPPER, sets: [...onlyEchoSets(tempDir()), 'upper.port=0'] },
  );
  const host = await serve({ config, logger, services: WITH_UPPER });
  try {
    const port = host.listeners.find((l) => l.service === 'upper')!.port;
    // The command finds the server through serve's own --set, as dig and finger do.
    const shout = capture();
    assert.equal(
      await main(['upper', '--set', `upper.port=${port}`, 'hi', 'there'], shout.io, WITH_UPPER),
      EXIT.OK,
      shout.err(),
    );
    assert.equal(shout.out(), 'HI THERE\n');
  } finally {
    await host.stop(1000);
  }

  const without = capture();
  assert.equal(await main(['upper'], without.io), EXIT.USAGE);
  assert.match(without.err(), /^polyport: unknown command 'upper'/);
});
