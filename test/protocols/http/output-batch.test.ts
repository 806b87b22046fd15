import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputBatch } from '../../../src/protocols/http/server/output-batch.js';

function recorder(): { batch: OutputBatch; pushed: Array<[string, boolean]> } {
  const pushed: Array<[string, boolean]> = [];
  const batch = new OutputBatch((bytes, options) =>
    pushed.push([Buffer.from(bytes).toString('latin1'), options.owned === true]),
  );
  return { batch, pushed };
}

test('OutputBatch sends at once when not started, uncopied only when owned', () => {
  const { batch, pushed } = recorder();
  batch.add(Buffer.from('a'), true);
  batch.add(Buffer.from('b'), false);
  assert.deepEqual(pushed, [
    ['a', true],
    ['b', false],
  ]);
});

test('OutputBatch joins what a read answered into one push, in order', () => {
  const { batch, pushed } = recorder();
  batch.start();
  batch.add(Buffer.from('one '), false);
  batch.add(Buffer.from('two '), true);
  batch.add(Buffer.from('three'), false);
  assert.deepEqual(pushed, []);
  batch.stop();
  // The joined buffer is new, so it is handed over whatever its parts were.
  assert.deepEqual(pushed, [['one two three', true]]);
  batch.add(Buffer.from('after'), false);
  assert.deepEqual(pushed.at(-1), ['after', false]);
});

test('OutputBatch sends a lone part as it is, with its own ownership', () => {
  const { batch, pushed } = recorder();
  batch.start();
  batch.add(Buffer.from('mine'), false);
  batch.flush();
  batch.add(Buffer.from('made'), true);
  batch.stop();
  batch.stop();
  assert.deepEqual(pushed, [
    ['mine', false],
    ['made', true],
  ]);
});

test('OutputBatch.heldBytes counts what it holds (queued output for backpressure) until it is sent', () => {
  const { batch } = recorder();
  batch.add(Buffer.from('sent at once'), false);
  assert.equal(batch.heldBytes, 0);
  batch.start();
  batch.add(Buffer.from('12345'), false);
  batch.add(Buffer.from('678'), true);
  assert.equal(batch.heldBytes, 8);
  batch.flush();
  assert.equal(batch.heldBytes, 0);
  batch.add(Buffer.from('9'), false);
  batch.stop();
  assert.equal(batch.heldBytes, 0);
});
