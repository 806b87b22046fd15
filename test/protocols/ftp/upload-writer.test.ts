import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UploadWriter } from '../../../src/protocols/ftp/server/upload-writer.js';

async function withFd(
  initial: string,
  flags: string,
  body: (fd: number, path: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-upload-writer-'));
  const path = join(dir, 'f.bin');
  writeFileSync(path, initial);
  const fd = openSync(path, flags);
  try {
    await body(fd, path);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function writerFor(fd: number, position: number | null, batchBytes?: number) {
  const errors: Error[] = [];
  const writer = new UploadWriter({
    fd,
    position,
    ...(batchBytes !== undefined ? { batchBytes } : {}),
    onError: (err) => errors.push(err),
  });
  return { writer, errors };
}

test('UploadWriter writes chunks in order from the position, a batch at a time', async () => {
  await withFd('0123456789', 'r+', async (fd, path) => {
    const { writer, errors } = writerFor(fd, 2, 8);
    const chunks = Array.from({ length: 600 }, (_, i) =>
      Buffer.from(String.fromCharCode(97 + (i % 26))),
    );
    for (const [i, chunk] of chunks.entries()) {
      writer.push(chunk);
      // Each batch goes to disk as soon as it is full, so at most a batch waits in memory.
      assert.equal(writer.queued, (i + 1) % 8, `after chunk ${i}`);
    }
    assert.equal(readFileSync(path, 'latin1').length, 2 + 600 - (600 % 8), 'full batches only');
    writer.flush();
    assert.deepEqual(errors, []);
    assert.equal(writer.queued, 0);
    assert.equal(readFileSync(path, 'latin1'), `01${chunks.map(String).join('')}`);
  });
});

test('UploadWriter copies a chunk larger than a batch in, a batch at a time', async () => {
  await withFd('', 'r+', async (fd, path) => {
    const { writer } = writerFor(fd, 0, 4);
    const chunk = Buffer.from('cdefghij');
    writer.push(Buffer.from('ab'));
    writer.push(chunk);
    chunk.fill('x'); // the caller may reuse its bytes at once
    assert.equal(writer.queued, 2);
    assert.equal(readFileSync(path, 'latin1'), 'abcdefgh');
    writer.flush();
    assert.equal(readFileSync(path, 'latin1'), 'abcdefghij');
  });
});

test('UploadWriter takes bytes received straight into its space', async () => {
  await withFd('', 'r+', async (fd, path) => {
    const { writer } = writerFor(fd, 0, 4);
    let space = writer.space();
    assert.equal(space.length, 4);
    space.write('abc');
    writer.filled(3);
    space = writer.space();
    assert.equal(space.length, 1, 'the rest of the batch');
    space.write('d');
    writer.filled(1);
    assert.equal(writer.queued, 0, 'a full batch is written at once');
    assert.equal(writer.space().length, 4, 'and the buffer is filled again');
    writer.space().write('e');
    writer.filled(1);
    writer.flush();
    assert.equal(readFileSync(path, 'latin1'), 'abcde');
  });
});

test('UploadWriter appends when it has no position (APPE)', async () => {
  await withFd('head-', 'a', async (fd, path) => {
    const { writer } = writerFor(fd, null);
    writer.push(Buffer.from('one-'));
    writer.push(Buffer.from('two'));
    writer.flush();
    writer.push(Buffer.from('-three'));
    writer.flush();
    assert.equal(readFileSync(path, 'latin1'), 'head-one-two-three');
  });
});

test('UploadWriter reports a failed write once and writes nothing more', async () => {
  await withFd('', 'r', async (fd) => {
    const { writer, errors } = writerFor(fd, 0);
    writer.push(Buffer.from('x'));
    writer.flush();
    writer.push(Buffer.from('y'));
    writer.flush();
    assert.equal(errors.length, 1, 'EBADF: the file is open read-only');
    assert.ok(writer.failed);
    assert.equal(writer.queued, 0);
  });
});

test('UploadWriter rejects a batch size below 1', () => {
  assert.throws(
    () => new UploadWriter({ fd: 0, position: 0, batchBytes: 0, onError: () => {} }),
    RangeError,
  );
});
