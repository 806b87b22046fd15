import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Host, serve } from '../../src/host/index.js';
import { startCli } from '../support/cli.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';
import { exitWithin } from './cli-wait.js';

/** A Node stack frame line: what a user must never see. */
const TRACE = /^\s+at /m;

let host: Host;
before(async () => {
  host = await serve({ config: testConfig(), logger: memoryLogger().logger });
});
after(async () => {
  await host.stop();
});

/**
 * Runs `polyport ...args` with its stdout closed before it writes anything, as `| head` leaves
 * it once head has read its lines: every write the command makes fails with EPIPE.
 */
async function withClosedStdout(
  args: readonly string[],
): Promise<{ code: number | null; stderr: string }> {
  const proc = startCli(args);
  proc.child.stdin?.end();
  proc.child.stdout?.destroy();
  const code = await exitWithin(proc, 60);
  return { code, stderr: proc.stderr };
}

describe('no stack trace ever', () => {
  test('polyport http URL | head: a closed stdout ends the command quietly with status 0', async () => {
    const url = `http://127.0.0.1:${portOf(host, 'http')}/`;
    const { code, stderr } = await withClosedStdout(['http', url]);
    assert.doesNotMatch(stderr, TRACE);
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('polyport mail fetch | head: a closed stdout ends the command quietly with status 0', async () => {
    const server = `127.0.0.1:${portOf(host, 'pop3')}`;
    const { code, stderr } = await withClosedStdout(['mail', 'fetch', '--server', server]);
    assert.doesNotMatch(stderr, TRACE);
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('polyport dig @nosuchhost.invalid prints one line naming the server, and exits 1', async () => {
    const proc = startCli(['dig', '@nosuchhost.invalid', 'example.test']);
    proc.child.stdin?.end();
    const code = await exitWithin(proc, 60);
    assert.doesNotMatch(proc.stderr, TRACE);
    assert.match(
      proc.stderr,
      /^polyport dig: couldn't get address for 'nosuchhost\.invalid': .*\n$/,
    );
    assert.equal(code, 1);
  });
});
