import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EXIT } from '../../../src/protocols/common/index.js';
import { digCommand } from '../../../src/protocols/dns/index.js';
import { captureIO, type LiveServer, silentPort, startLive } from './live-server.js';

let live: LiveServer;
before(async () => {
  live = await startLive();
});
after(() => live.stop());

async function dig(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await digCommand.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('polyport dig prints the answer as dig does, with query time, server and size', async () => {
  const { code, out } = await dig('@127.0.0.1', '-p', String(live.port), 'www.example.test');
  assert.equal(code, EXIT.OK);
  assert.match(out, /;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+/);
  assert.match(out, /;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1/);
  assert.match(out, /;; QUESTION SECTION:\n;www\.example\.test\.\t\tIN\tA/);
  assert.match(out, /;; ANSWER SECTION:\nwww\.example\.test\.\t300\tIN\tA\t127\.0\.0\.1/);
  assert.match(out, /;; Query time: \d+ msec/);
  assert.match(
    out,
    new RegExp(`;; SERVER: 127\\.0\\.0\\.1#${live.port}\\(127\\.0\\.0\\.1\\) \\(UDP\\)`),
  );
  assert.match(out, /;; MSG SIZE {2}rcvd: \d+/);
});

test('polyport dig takes the type before or after the name', async () => {
  const port = String(live.port);
  for (const args of [
    ['example.test', 'MX'],
    ['MX', 'example.test'],
    ['-t', 'mx', 'example.test'],
  ]) {
    const { code, out } = await dig('@127.0.0.1', '-p', port, ...args);
    assert.equal(code, EXIT.OK);
    assert.match(out, /example\.test\.\t300\tIN\tMX\t10 mail\.example\.test\./);
  }
});

test('polyport dig +short prints only the record data', async () => {
  const { out } = await dig('@127.0.0.1', '-p', String(live.port), '+short', 'alias.example.test');
  assert.equal(out, 'www.example.test.\n127.0.0.1\n');
});

test('polyport dig -x asks for the PTR of an address', async () => {
  const { out } = await dig('@127.0.0.1', '-p', String(live.port), '-x', '127.0.0.1', '+short');
  assert.equal(out, 'localhost.\n');
});

test('polyport dig +tcp asks over TCP and a truncated answer is retried over TCP', async () => {
  const port = String(live.port);
  const tcp = await dig('@127.0.0.1', '-p', port, '+tcp', 'www.example.test');
  assert.match(tcp.out, /\(TCP\)/);
  const big = await dig('@127.0.0.1', '-p', port, 'big.example.test', 'TXT');
  assert.match(big.out, /\(TCP\)/);
  assert.match(big.out, /ANSWER: 1,/);
});

test('polyport dig +norecurse clears RD and +noedns drops the OPT record', async () => {
  const { out } = await dig(
    '@127.0.0.1',
    '-p',
    String(live.port),
    '+norecurse',
    '+noedns',
    'www.example.test',
  );
  assert.match(out, /;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0/);
  assert.doesNotMatch(out, /OPT PSEUDOSECTION/);
});

test('polyport dig exits 0 for an NXDOMAIN answer and prints its status', async () => {
  const { code, out } = await dig('@127.0.0.1', '-p', String(live.port), 'nope.example.test');
  assert.equal(code, EXIT.OK);
  assert.match(out, /status: NXDOMAIN/);
  assert.match(out, /;; AUTHORITY SECTION:\nexample\.test\.\t300\tIN\tSOA\t/);
});

test('polyport dig exits 1 when no server answers', async () => {
  const dead = await silentPort();
  try {
    const { code, err } = await dig(
      '@127.0.0.1',
      '-p',
      String(dead.port),
      '--timeout',
      '0.1',
      'x.test',
    );
    assert.equal(code, EXIT.FAILURE);
    assert.match(err, /timed out/);
  } finally {
    dead.close();
  }
});

test('polyport dig exits 2 for bad usage', async () => {
  for (const args of [
    ['+bogus', 'x.test'],
    ['-p', 'nope', 'x.test'],
    ['-x', 'not-an-ip'],
    ['x.test', 'y.test'],
    ['--timeout', '0', 'x.test'],
    ['@', 'x.test'],
    ['--what'],
  ]) {
    const { code, err } = await dig(...args);
    assert.equal(code, EXIT.USAGE, args.join(' '));
    assert.match(err, /Try 'polyport dig --help'/);
  }
});

test('polyport dig --help prints the usage and exits 0', async () => {
  const { code, out } = await dig('--help');
  assert.equal(code, EXIT.OK);
  assert.match(out, /^Usage: polyport dig/);
  assert.equal(digCommand.name, 'dig');
});
