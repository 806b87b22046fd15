import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { runExample, SUITE_MS, startExample } from './run-example.js';

/** Its output without the "no input" lines, which depend on how fast the machine is. */
function withoutIdleLines(stdout: string): string {
  return stdout.replace(/^no input for .*\n/gm, '');
}

describe('examples/select-stdin.ts', { timeout: SUITE_MS, ...needsFdSockets() }, () => {
  test('each chunk written to its stdin is reported as it comes, then the end of input', async (t) => {
    const run = startExample('select-stdin', ['60']);
    t.after(() => run.kill());
    await run.waitFor(/waiting for input\n/);
    run.child.stdin.write('first\n');
    await run.waitFor(/read 6 bytes: "first\\n"\n/);
    run.child.stdin.write('second\n');
    await run.waitFor(/read 7 bytes: "second\\n"\n/);
    run.child.stdin.end();
    assert.deepEqual(await run.exit(), { code: 0, signal: null });
    assert.equal(
      withoutIdleLines(run.stdout),
      'waiting for input\nread 6 bytes: "first\\n"\nread 7 bytes: "second\\n"\nend of input\n',
    );
  });

  test('a timeout of 0 polls: it says no input came and keeps going until the end', async () => {
    const run = await runExample('select-stdin', ['0'], { input: 'all at once\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 12 bytes: "all at once\\n"\nend of input\n$/);
  });
});
