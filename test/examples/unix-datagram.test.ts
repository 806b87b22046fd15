import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { runExample, SUITE_MS } from './run-example.js';

describe('examples/unix-datagram.ts', { timeout: SUITE_MS, ...needsFdSockets() }, () => {
  test('each message arrives whole and apart, from the abstract name the answer goes back to', async () => {
    const run = await runExample('unix-datagram', ['one', 'two two', 'x']);
    assert.equal(run.code, 0, run.stderr);
    const from = '@polyport-example-client-\\d+';
    assert.match(
      run.stdout,
      new RegExp(
        `^server: 3 bytes from ${from}: one\nserver: 7 bytes from ${from}: two two\nserver: 1 bytes from ${from}: x\nclient: ONE\nclient: TWO TWO\nclient: X\n$`,
      ),
    );
  });
});
