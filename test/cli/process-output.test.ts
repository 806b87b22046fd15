import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { test } from 'node:test';
import { ProcessOutput } from '../../src/cli/process-output.js';
import { socketpair } from '../../src/socket/index.js';

/** A stream maker that fails the test if the output ever asks for it. */
const noStream = (): Writable => assert.fail('the output made its stream');
const noError = (err: Error): void => assert.fail(`write error: ${err.message}`);

test('ProcessOutput writes text and bytes to the descriptor in the call, in order, without a stream', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-output-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'out');
  const fd = openSync(path, 'w');
  t.after(() => closeSync(fd));
  const out = new ProcessOutput(fd, noStream, noError);
  assert.equal(out.write('héllo '), true);
  assert.equal(out.write(Buffer.from('wörld')), true);
  const done = await new Promise<Error | null | undefined>((resolve) =>
    out.write('\n', (err) => resolve(err)),
  );
  assert.equal(done, null);
  assert.equal(readFileSync(path, 'utf8'), 'héllo wörld\n');
  // A file is no terminal, and telling so made no stream either.
  assert.equal(out.isTTY, false);
  assert.equal(out.destroyed, false);
  assert.equal(out.writableEnded, false);
});

test('ProcessOutput hands what a full non-blocking descriptor left over to the stream, and every write after', async (t) => {
  const [writer, reader] = await socketpair();
  t.after(() => {
    writer.close();
    reader.close();
  });
  const stream = new PassThrough();
  const streamed: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => streamed.push(chunk));
  let opened = 0;
  const out = new ProcessOutput(
    writer.fileno(),
    () => {
      opened++;
      return stream;
    },
    noError,
  );
  // Far more than a socket buffer holds, and nobody reads yet: write(2) fails with EAGAIN.
  const big = Buffer.alloc(16 << 20);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  out.write(big);
  assert.equal(opened, 1, 'the rest went to the stream');
  out.write('after');
  assert.equal(opened, 1);
  await new Promise((resolve) => setImmediate(resolve)); // the stream's 'data' events
  const direct = big.length - Buffer.concat(streamed).length + 'after'.length;
  assert.ok(direct > 0 && direct < big.length, `${direct} bytes went straight to the socket`);
  const received: Buffer[] = [];
  for (let got = 0; got < direct; ) {
    const chunk = await reader.recv(1 << 20);
    received.push(chunk);
    got += chunk.length;
  }
  assert.deepEqual(
    Buffer.concat([...received, ...streamed]),
    Buffer.concat([big, Buffer.from('after')]),
  );
});

test('ProcessOutput reports a write error (EPIPE: the reader has gone) to its handler and to the callback', async (t) => {
  const [writer, reader] = await socketpair();
  t.after(() => writer.close());
  reader.close();
  await new Promise((resolve) => setImmediate(resolve)); // Node closes the descriptor in its loop
  const errors: NodeJS.ErrnoException[] = [];
  const out = new ProcessOutput(writer.fileno(), noStream, (err) => errors.push(err));
  const done = await new Promise<Error | null | undefined>((resolve) =>
    out.write('nobody reads this\n', (err) => resolve(err)),
  );
  assert.deepEqual(
    errors.map((err) => err.code),
    ['EPIPE'],
  );
  assert.equal((done as NodeJS.ErrnoException | null)?.code, 'EPIPE');
});
