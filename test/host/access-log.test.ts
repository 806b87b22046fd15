import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../../src/host/index.js';
import { Resolver } from '../../src/protocols/dns/index.js';
import { portFromListing, startCli } from '../support/cli.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../support/host.js';

const ZERO_PORTS = SERVICE_TABLES.flatMap((s) => ['--set', `${s}.port=0`]);
const BODY = 'hello world!\n';

/** Sends `count` pipelined GETs of /hello on one keep-alive connection and reads every answer. */
function pipelined(port: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    let bodies = 0;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      seen += chunk;
      for (let at = seen.indexOf(BODY); at !== -1; at = seen.indexOf(BODY)) {
        bodies++;
        seen = seen.slice(at + BODY.length);
      }
      if (bodies === count) socket.end(resolve);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (bodies !== count) reject(new Error(`closed after ${bodies} of ${count} answers`));
    });
    socket.write('GET /hello HTTP/1.1\r\nHost: test\r\n\r\n'.repeat(count));
  });
}

test('polyport serve logs every one of 2,000 requests on 25 keep-alive connections, all written by the time SIGTERM has stopped it', async () => {
  const dir = tempDir();
  const proc = startCli(['serve', ...ZERO_PORTS], { cwd: dir });
  try {
    await proc.waitFor(/Press Ctrl-C to stop\./);
    writeFileSync(join(dir, 'polyport-data', 'www', 'hello'), BODY);
    const port = portFromListing(proc.stdout, 'http');
    await Promise.all(Array.from({ length: 25 }, () => pipelined(port, 80)));
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    const lines = proc.stderr.split('\n');
    const requests = lines.filter((l) =>
      / INFO +http +127\.0\.0\.1 - - \[[^\]]+\] "GET \/hello HTTP\/1\.1" 200 13 "-" "-"$/.test(l),
    );
    assert.equal(requests.length, 2000);
    // The connection lines are at debug now, and the last line is the stop's.
    assert.equal(lines.filter((l) => l.includes('connection closed')).length, 0);
    assert.match(lines.at(-2) ?? '', / INFO +stopped$/);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('serve() counts DNS queries but logs them only with dns.logQueries', async () => {
  for (const logQueries of [false, true]) {
    const { logger, records } = memoryLogger();
    const host = await serve({ config: testConfig([`dns.logQueries=${logQueries}`]), logger });
    try {
      const resolver = new Resolver({ server: ['127.0.0.1', portOf(host, 'dns', 'udp')] });
      for (let i = 0; i < 3; i++)
        assert.deepEqual(await resolver.resolve4('www.example.test'), ['127.0.0.1']);
      const queries = records.filter((r) => r.service === 'dns' && r.msg === 'query');
      assert.equal(queries.length, logQueries ? 3 : 0);
      assert.equal(host.snapshot().services.find((s) => s.name === 'dns')?.requests, 3);
    } finally {
      await host.stop(500);
    }
  }
});
