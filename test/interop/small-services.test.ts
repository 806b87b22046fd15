/**
 * The small services (RFC 862–868) as netcat and socat see them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { type Host, serve } from '../../src/host/index.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);
let host: Host;

before(async () => {
  host = await serve({ config: testConfig(), logger: memoryLogger().logger });
});
after(async () => {
  await host.stop(500);
});

/** Runs a shell pipeline with a hard time limit; returns its stdout as bytes. */
async function sh(script: string): Promise<Buffer> {
  const { stdout } = await run('sh', ['-c', script], { encoding: 'buffer', timeout: 10_000 });
  return stdout;
}

test('nc: echo sends back what it receives over TCP', needs('nc'), async () => {
  const out = await sh(`printf 'hello, echo' | nc -q1 127.0.0.1 ${portOf(host, 'echo')}`);
  assert.equal(out.toString(), 'hello, echo');
});

test(
  'nc: discard answers nothing and keeps the connection until the client is done',
  needs('nc'),
  async () => {
    const out = await sh(`printf 'thrown away' | nc -q1 127.0.0.1 ${portOf(host, 'discard')}`);
    assert.equal(out.length, 0);
  },
);

test('nc: daytime sends one human-readable line and closes', needs('nc'), async () => {
  const out = await sh(`nc -d 127.0.0.1 ${portOf(host, 'daytime')}`);
  assert.match(
    out.toString(),
    /^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4} \d\d:\d\d:\d\d-UTC\r\n$/,
  );
});

test('nc: time sends 4 bytes of seconds since 1900 close to now', needs('nc'), async () => {
  const out = await sh(`nc -d 127.0.0.1 ${portOf(host, 'time')}`);
  assert.equal(out.length, 4);
  const seconds = out.readUInt32BE(0);
  const expected = (Math.floor(Date.now() / 1000) + 2208988800) % 2 ** 32;
  assert.ok(Math.abs(seconds - expected) < 60);
});

test('nc: qotd sends a quotation of at most 512 characters', needs('nc'), async () => {
  const out = await sh(`nc -d 127.0.0.1 ${portOf(host, 'qotd')}`);
  assert.ok(out.length > 0 && out.length <= 512);
  assert.match(out.toString(), /\r\n$/);
});

test('nc: chargen streams RFC 864 lines of 72 characters', needs('nc'), async () => {
  const out = await sh(`nc -d 127.0.0.1 ${portOf(host, 'chargen')} | head -c 740`);
  const lines = out.toString('latin1').split('\r\n');
  assert.equal(
    lines[0],
    '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh',
  );
  assert.equal(
    lines[1],
    '"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghi',
  );
  for (const line of lines.slice(0, 9)) assert.equal(line.length, 72);
});

test('socat: echo answers a UDP datagram with the same bytes', needs('socat'), async () => {
  const out = await sh(
    `printf 'datagram' | socat -T2 - UDP:127.0.0.1:${portOf(host, 'echo', 'udp')}`,
  );
  assert.equal(out.toString(), 'datagram');
});

test('socat: daytime, time and qotd answer a UDP datagram', needs('socat'), async () => {
  const daytime = await sh(
    `printf 'x' | socat -T2 - UDP:127.0.0.1:${portOf(host, 'daytime', 'udp')}`,
  );
  assert.match(daytime.toString(), /-UTC\r\n$/);
  const time = await sh(`printf 'x' | socat -T2 - UDP:127.0.0.1:${portOf(host, 'time', 'udp')}`);
  assert.equal(time.length, 4);
  const qotd = await sh(`printf 'x' | socat -T2 - UDP:127.0.0.1:${portOf(host, 'qotd', 'udp')}`);
  assert.ok(qotd.length > 0 && qotd.length <= 512);
});

test(
  'socat: chargen answers a UDP datagram with 0 to 512 pattern characters',
  needs('socat'),
  async () => {
    const out = await sh(
      `printf 'x' | socat -T2 - UDP:127.0.0.1:${portOf(host, 'chargen', 'udp')}`,
    );
    assert.ok(out.length <= 512);
    assert.ok(
      '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ'.startsWith(
        out.subarray(0, 20).toString(),
      ),
    );
  },
);

test(
  'socat: echo over TCP with a half-close returns everything and then closes',
  needs('socat'),
  async () => {
    const out = await sh(
      `head -c 200000 /dev/zero | tr '\\0' 'z' | socat -t5 - TCP:127.0.0.1:${portOf(host, 'echo')} | wc -c`,
    );
    assert.equal(Number(out.toString().trim()), 200000);
  },
);
