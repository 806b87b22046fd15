import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

test('polyport services http prints its port, protocol and aliases', async () => {
  const { code, stdout } = await runCli(['services', 'http']);
  assert.equal(code, 0);
  assert.match(stdout, /^http\s+80\/tcp\s+www$/m);
});

test('polyport services 80 names the service on that port', async () => {
  const { code, stdout } = await runCli(['services', '80']);
  assert.equal(code, 0);
  assert.match(stdout, /^http\s+80\/tcp/m);
});

test('polyport services finds a service by an alias too', async () => {
  const { code, stdout } = await runCli(['services', 'www']);
  assert.equal(code, 0);
  assert.match(stdout, /^http\s+80\/tcp\s+www$/m);
});

test('polyport services --proto udp 53 prints only the UDP entry', async () => {
  const { code, stdout } = await runCli(['services', '--proto', 'udp', '53']);
  assert.equal(code, 0);
  assert.match(stdout, /^domain\s+53\/udp$/m);
  assert.doesNotMatch(stdout, /\/tcp/);
});

test('polyport services with no argument prints the whole table ordered by port', async () => {
  const { code, stdout } = await runCli(['services']);
  assert.equal(code, 0);
  const ports = stdout
    .trimEnd()
    .split('\n')
    .map((line) => Number(/\s(\d+)\//.exec(line)?.[1]));
  assert.ok(ports.length > 50, `only ${ports.length} lines`);
  assert.deepEqual(
    ports,
    [...ports].sort((a, b) => a - b),
  );
  assert.match(stdout, /^ssh\s+22\/tcp/m);
});

test('polyport services exits 1 with a message for an unknown name or an unused port', async () => {
  const byName = await runCli(['services', 'no-such-service']);
  assert.equal(byName.code, 1);
  assert.equal(byName.stdout, '');
  assert.match(byName.stderr, /no service 'no-such-service' known/);
  const byPort = await runCli(['services', '65000']);
  assert.equal(byPort.code, 1);
  assert.match(byPort.stderr, /no port 65000 known/);
});

test('polyport services exits 2 for a port over 65535, a bad --proto or two arguments', async () => {
  for (const args of [['70000'], ['--proto', 'sctp', 'http'], ['http', 'ftp'], ['--bogus']]) {
    const { code, stderr } = await runCli(['services', ...args]);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /^polyport services: .+\nTry 'polyport services --help'\.\n$/);
  }
});

test('polyport services --help explains the command and exits 0', async () => {
  const { code, stdout } = await runCli(['services', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: polyport services/);
});
