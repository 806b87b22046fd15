import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { exitOnClosedOutput, oneLine } from '../../src/cli/output-closed.js';

test('oneLine() gives the first line of the message, and the stack only with POLYPORT_DEBUG=1', () => {
  const err = new Error('boom\nsecond line');
  assert.equal(oneLine(err, {}), 'boom (POLYPORT_DEBUG=1 shows where)');
  assert.match(oneLine(err, { POLYPORT_DEBUG: '1' }), /^Error: boom\n[\s\S]*\n\s+at /);
  assert.equal(oneLine('a string', {}), 'a string');
});

test('exitOnClosedOutput() ends quietly with 0 on EPIPE and with one line and 1 otherwise', () => {
  const report = new PassThrough();
  const codes: number[] = [];
  const onError = exitOnClosedOutput(report, (code) => codes.push(code));
  onError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  assert.deepEqual(codes, [0]);
  assert.equal(report.read(), null);
  onError(Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }));
  assert.deepEqual(codes, [0, 1]);
  assert.equal(String(report.read()), 'polyport: cannot write output: write ENOSPC\n');
});
