import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import type { CliIO } from '../../../src/protocols/common/index.js';
import {
  formatBytes,
  formatDuration,
  ProgressBar,
  progressBar,
  progressWanted,
} from '../../../src/protocols/common/progress-bar.js';
import { ManualClock } from '../../../src/testing/index.js';

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

test('ProgressBar draws on the first update, then on its timer every interval, not per update', () => {
  const out = capture();
  const clock = new ManualClock(0);
  const bar = new ProgressBar(out.stream, 100, { width: 4, interval: 100, clock });
  bar.update(1);
  bar.update(2);
  bar.update(3);
  clock.advance(99);
  bar.update(4);
  clock.advance(1);
  clock.advance(100); // nothing new came: drawn again all the same, for the rate
  bar.update(5);
  bar.finish();
  assert.equal(clock.pendingTimers, 0, 'finish() stops the timer');
  bar.update(6);
  clock.advance(1000);
  const draws = out
    .text()
    .split('\r')
    .filter((d) => d.includes('/100'));
  assert.deepEqual(
    draws.map((d) => d.match(/ (\d+)\/100/)?.[1]),
    ['1', '4', '4'],
  );
});

test('ProgressBar.print() clears the bar, prints the line and draws the bar again below it', () => {
  const out = capture();
  const lines = capture();
  const bar = new ProgressBar(out.stream, 10, { width: 2, clock: new ManualClock(0) });
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

test('formatBytes() picks B, KiB, MiB or GiB by size', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(5 * 2 ** 20), '5.0 MiB');
  assert.equal(formatBytes(3 * 2 ** 30), '3.00 GiB');
});

test('formatDuration() gives m:ss, and h:mm:ss from an hour on', () => {
  assert.equal(formatDuration(5), '0:05');
  assert.equal(formatDuration(75.2), '1:16');
  assert.equal(formatDuration(3725), '1:02:05');
});

test('a bytes bar shows the file name, the share, both sizes in units, the rate and the ETA', () => {
  const bar = new ProgressBar(capture().stream, 4 * 2 ** 20, {
    bytes: true,
    label: 'big.iso',
    width: 10,
    clock: new ManualClock(0),
  });
  assert.equal(
    bar.render(2 ** 20, 2000),
    'big.iso [###.......]  25% 1.0 MiB/4.0 MiB 512.0 KiB/s ETA 0:06',
  );
  assert.equal(
    bar.render(4 * 2 ** 20, 4000),
    'big.iso [##########] 100% 4.0 MiB/4.0 MiB 1.0 MiB/s',
  );
});

test('a bytes bar of unknown size shows what came and the rate, with no bar and no ETA', () => {
  const bar = new ProgressBar(capture().stream, null, {
    bytes: true,
    label: 'x',
    clock: new ManualClock(0),
  });
  assert.equal(bar.render(3 * 2 ** 20, 1000), 'x 3.0 MiB 3.0 MiB/s');
});

test('progressBar() draws nothing when stderr is not a terminal, or with --no-progress', () => {
  const io = (tty: boolean): CliIO => ({
    stdin: new PassThrough(),
    stdout: Object.assign(new PassThrough(), { isTTY: true }),
    stderr: Object.assign(new PassThrough(), { isTTY: tty }),
    isTTY: true,
    interrupted: new Promise(() => {}),
  });
  assert.equal(progressBar(io(false), 100, { bytes: true }), null);
  assert.equal(progressBar(io(true), 100, { bytes: true, noProgress: true }), null);
  assert.ok(progressBar(io(true), 100, { bytes: true }) instanceof ProgressBar);
  assert.ok(progressBar(io(true), Number.NaN, { bytes: true }) instanceof ProgressBar);
  assert.equal(progressWanted(io(false)), false, 'progressWanted() says so before any bar');
  assert.equal(progressWanted(io(true), true), false);
  assert.equal(progressWanted(io(true)), true);
});
