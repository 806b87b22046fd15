import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ProgressBar } from '../../src/cli/progress-bar.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

test('ProgressBar.render() shows the bar, the count, the unit and the percentage', () => {
  const bar = new ProgressBar(capture().stream, 1000, { unit: 'ports', width: 10 });
  assert.equal(bar.render(0), '[..........]    0/1000 ports   0%');
  assert.equal(bar.render(500), '[#####.....]  500/1000 ports  50%');
  assert.equal(bar.render(1000), '[##########] 1000/1000 ports 100%');
});

test('ProgressBar.render() shows an empty job as done and never overflows past the total', () => {
  assert.match(
    new ProgressBar(capture().stream, 0, { width: 4 }).render(0),
    /^\[####\] 0\/0 100%$/,
  );
  assert.match(new ProgressBar(capture().stream, 10, { width: 4 }).render(99), /^\[####\]/);
});

test('ProgressBar.update() redraws at most once per interval of the injected clock', () => {
  const out = capture();
  let now = 0;
  const bar = new ProgressBar(out.stream, 100, { width: 4, interval: 100, now: () => now });
  bar.update(1);
  bar.update(2);
  now = 99;
  bar.update(3);
  now = 100;
  bar.update(4);
  const draws = out.text().split('\r').filter(Boolean);
  assert.deepEqual(
    draws.map((d) => d.match(/ (\d+)\/100/)?.[1]),
    ['1', '4'],
  );
});

test('ProgressBar.print() clears the bar, prints the line and draws the bar again below it', () => {
  const out = capture();
  const lines = capture();
  const bar = new ProgressBar(out.stream, 10, { width: 2, now: () => 0 });
  bar.update(5);
  bar.print('22/tcp open ssh', lines.stream);
  bar.finish();
  assert.equal(lines.text(), '22/tcp open ssh\n');
  assert.equal(out.text(), '\r[#.]  5/10  50%\r\x1b[2K\r[#.]  5/10  50%\r\x1b[2K');
});

test('ProgressBar refuses a negative or infinite total with a RangeError', () => {
  assert.throws(() => new ProgressBar(capture().stream, -1), RangeError);
  assert.throws(() => new ProgressBar(capture().stream, Number.POSITIVE_INFINITY), RangeError);
});
