import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UploadWriter } from '../../../src/protocols/ftp/upload-writer.js';

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

/** Pushes chunks (some while a write is in flight) and resolves once all are written. */
function writeAll(
  writer: UploadWriter,
  chunks: Buffer[],
  settled: () => Promise<void>,
): Promise<void> {
  for (const chunk of chunks) writer.push(chunk);
  return settled();
}

function writerFor(fd: number, position: number | null) {
  let wake: () => void = () => {};
  const errors: Error[] = [];
  const writer = new UploadWriter({
    fd,
    position,
    onWritten: (err) => {
      if (err) errors.push(err);
      wake();
    },
  });
  const settled = async (): Promise<void> => {
    while (!writer.idle) await new Promise<void>((r) => (wake = r));
  };
  return { writer, errors, settled };
}

test('UploadWriter writes queued chunks in order from the position, in batches', async () => {
  await withFd('0123456789', 'r+', async (fd, path) => {
    const { writer, errors, settled } = writerFor(fd, 2);
    const chunks = Array.from({ length: 600 }, (_, i) =>
      Buffer.from(String.fromCharCode(97 + (i % 26))),
    );
    await writeAll(writer, chunks, settled);
    assert.deepEqual(errors, []);
    assert.equal(writer.queued, 0);
    assert.equal(readFileSync(path, 'latin1'), `01${chunks.map(String).join('')}`);
  });
});

test('UploadWriter appends when it has no position (APPE)', async () => {
  await withFd('head-', 'a', async (fd, path) => {
    const { writer, settled } = writerFor(fd, null);
    await writeAll(writer, [Buffer.from('one-'), Buffer.from('two')], settled);
    writer.push(Buffer.from('-three'));
    await settled();
    assert.equal(readFileSync(path, 'latin1'), 'head-one-two-three');
  });
});

test('UploadWriter reports a failed write once and writes nothing more', async () => {
  await withFd('', 'r', async (fd) => {
    const { writer, errors, settled } = writerFor(fd, 0);
    await writeAll(writer, [Buffer.from('x')], settled);
    writer.push(Buffer.from('y'));
    await settled();
    assert.equal(errors.length, 1, 'EBADF: the file is open read-only');
    assert.ok(writer.idle);
  });
});
