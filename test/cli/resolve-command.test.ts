import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

test('polyport resolve localhost prints a table with the loopback address', async () => {
  const { code, stdout } = await runCli(['resolve', 'localhost']);
  assert.equal(code, 0);
  const [header, ...rows] = stdout.trimEnd().split('\n');
  assert.match(header ?? '', /^FAMILY\s+TYPE\s+PROTO\s+CANONNAME\s+ADDRESS$/);
  assert.ok(
    rows.some((row) => /^AF_INET\s+SOCK_STREAM\s+tcp\s+localhost\s+127\.0\.0\.1$/.test(row)),
  );
  assert.ok(rows.some((row) => /^AF_INET\s+SOCK_DGRAM\s+udp\s+-\s+127\.0\.0\.1$/.test(row)));
});

test('polyport resolve --family 4 --type stream NAME PORT gives one line with the port', async () => {
  const { code, stdout } = await runCli([
    'resolve',
    '-f',
    '4',
    '-t',
    'stream',
    'localhost',
    'http',
  ]);
  assert.equal(code, 0);
  assert.equal(
    stdout,
    'FAMILY   TYPE         PROTO  CANONNAME  ADDRESS\nAF_INET  SOCK_STREAM  tcp    localhost  127.0.0.1:80\n',
  );
});

test('polyport resolve --family 6 prints IPv6 addresses in brackets with a port', async () => {
  const { code, stdout } = await runCli(['resolve', '-f', '6', '-t', 'dgram', '::1', '53']);
  assert.equal(code, 0);
  assert.match(stdout, /^AF_INET6\s+SOCK_DGRAM\s+udp\s+::1\s+\[::1\]:53$/m);
});

test('polyport resolve exits 1 with the gaierror message when the name does not resolve', async () => {
  const { code, stdout, stderr } = await runCli(['resolve', 'no-such-host.invalid']);
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.match(stderr, /^polyport resolve: .*no-such-host\.invalid.*\((EAI_NONAME|EAI_AGAIN)\)\n$/);
});

test('polyport resolve exits 1 for an unknown service name', async () => {
  const { code, stderr } = await runCli(['resolve', 'localhost', 'no-such-service']);
  assert.equal(code, 1);
  assert.match(stderr, /EAI_SERVICE/);
});

test('polyport resolve exits 2 for a bad --family, a bad --type, a bad port or no name', async () => {
  for (const args of [
    ['-f', '5', 'localhost'],
    ['-t', 'raw', 'localhost'],
    ['localhost', '99999'],
    [],
  ]) {
    const { code, stderr } = await runCli(['resolve', ...args]);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /^polyport resolve: /);
  }
});

test('polyport resolve --help explains the command and exits 0', async () => {
  const { code, stdout } = await runCli(['resolve', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: polyport resolve/);
});
