import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsFdSockets } from '../socket/fd-socket-support.js';
import { runExample, SUITE_MS } from './run-example.js';

describe('examples/seqpacket-pair.ts', { timeout: SUITE_MS, ...needsFdSockets() }, () => {
  test('three messages sent back to back are read as three, then the end', async () => {
    const run = await runExample('seqpacket-pair');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        'message of 5 bytes: hello',
        'message of 23 bytes: a longer second message',
        'message of 1 bytes: 3',
        'end: the other end closed',
        '',
      ].join('\n'),
    );
  });
});
