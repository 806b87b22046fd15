import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { runExample, SUITE_MS } from './run-example.js';

describe('examples/pass-fds.ts', { timeout: SUITE_MS, ...needsFdSockets() }, () => {
  test('a child writes to a file through the descriptor the parent passed it', async () => {
    const run = await runExample('pass-fds');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        'child says: done',
        'written by the parent',
        'written by the child through a descriptor it was given (the log)',
        '',
      ].join('\n'),
    );
  });
});
