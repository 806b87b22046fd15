import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { listenerListing } from '../../src/cli/listener-listing.js';
import { useColor } from '../../src/cli/use-color.js';
import { type Host, serve } from '../../src/host/index.js';
import { startCli } from '../support/cli.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';
import { exitWithin } from './cli-wait.js';

async function run(args: readonly string[]) {
  const proc = startCli(args);
  proc.child.stdin?.end('Subject: hi\n\nhello\n');
  const code = await exitWithin(proc, 60);
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

describe('unknown options and commands get a did-you-mean', () => {
  test('polyport http --outptu suggests --output, in one line, exit 2', async () => {
    const { code, stderr } = await run(['http', '--outptu', 'x', 'http://127.0.0.1:1/']);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      "polyport http: unknown option '--outptu' (did you mean --output?)\nTry 'polyport http --help'.\n",
    );
  });

  test('polyport ftp --insecrue suggests --insecure', async () => {
    const { code, stderr } = await run(['ftp', '--insecrue', 'ls', 'ftp://127.0.0.1:1/']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--insecrue' \(did you mean --insecure\?\)/);
  });

  test('an option nothing resembles gets no guess', async () => {
    const { code, stderr } = await run(['finger', '--zzzzzzzz']);
    assert.equal(code, 2);
    assert.match(stderr, /^polyport finger: unknown option '--zzzzzzzz'\n/);
  });

  test("polyport dig +shrot suggests dig's +short", async () => {
    const { code, stderr } = await run(['dig', '+shrot', 'example.test']);
    assert.equal(code, 2);
    assert.match(stderr, /^polyport dig: unknown option \+shrot \(did you mean \+short\?\)\n/);
  });

  test('polyport dgi suggests dig', async () => {
    const { code, stderr } = await run(['dgi', 'example.test']);
    assert.equal(code, 2);
    assert.match(stderr, /^polyport: unknown command 'dgi' \(did you mean dig\?\)\n/);
  });
});

describe('a certificate that does not verify hints --cafile and --insecure in every client', () => {
  let host: Host;
  before(async () => {
    host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  });
  after(async () => {
    await host.stop();
  });
  const HINT = /\(use --cafile FILE to trust its issuer, or --insecure to skip the check\)\n$/;

  test('polyport http https://…', async () => {
    const { code, stderr } = await run(['http', `https://127.0.0.1:${portOf(host, 'https')}/`]);
    assert.equal(code, 1);
    assert.match(stderr, HINT);
  });

  test('polyport ftp --tls', async () => {
    const url = `ftp://127.0.0.1:${portOf(host, 'ftp')}/`;
    const { code, stderr } = await run(['ftp', '--tls', 'ls', url]);
    assert.equal(code, 1);
    assert.match(stderr, HINT);
  });

  test('polyport mail send --tls', async () => {
    const server = `127.0.0.1:${portOf(host, 'smtp')}`;
    const { code, stderr } = await run([
      'mail',
      'send',
      '--tls',
      '--server',
      server,
      '--from',
      'a@client.test',
      '--to',
      'demo@example.test',
    ]);
    assert.equal(code, 1);
    assert.match(stderr, HINT);
  });

  test('polyport connect --tls', async () => {
    const { code, stderr } = await run([
      'connect',
      '--tls',
      '127.0.0.1',
      String(portOf(host, 'https')),
    ]);
    assert.equal(code, 1);
    assert.match(stderr, HINT);
  });

  test('polyport http --insecure gets through the same server', async () => {
    const { code, stderr } = await run([
      'http',
      '--insecure',
      '-i',
      `https://127.0.0.1:${portOf(host, 'https')}/`,
    ]);
    assert.equal(code, 0, stderr);
  });
});

describe('useColor()', () => {
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  test('colours a terminal', () => {
    assert.equal(useColor(tty, {}), true);
  });
  test('honours NO_COLOR (any non-empty value)', () => {
    assert.equal(useColor(tty, { NO_COLOR: '1' }), false);
    assert.equal(useColor(tty, { NO_COLOR: '' }), true);
  });
  test('never colours a pipe', () => {
    assert.equal(useColor(new PassThrough(), {}), false);
  });
});

describe('the serve startup listing', () => {
  const listeners = [
    { service: 'https', transport: 'tcp', address: '127.0.0.1', port: 10443 },
    { service: 'echo', transport: 'udp', address: '127.0.0.1', port: 10007 },
    { service: 'admin', transport: 'tcp', address: '127.0.0.1', port: 10001 },
    { service: 'echo', transport: 'tcp', address: '127.0.0.1', port: 10007 },
    { service: 'dns', transport: 'tcp', address: '127.0.0.1', port: 10053 },
    { service: 'dns', transport: 'udp', address: '127.0.0.1', port: 10053 },
  ];

  test('is sorted by port, one row per service, and its count is its number of rows', () => {
    const text = listenerListing(listeners, 'polyport 9.9.9', './data');
    assert.equal(
      text,
      [
        'polyport 9.9.9: 4 services, data in ./data',
        '  service  transport  address    port',
        '  admin    tcp        127.0.0.1  10001',
        '  echo     tcp+udp    127.0.0.1  10007',
        '  dns      tcp+udp    127.0.0.1  10053',
        '  https    tcp        127.0.0.1  10443',
        '',
      ].join('\n'),
    );
  });
});
