import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogWriterThread } from '../../src/host/log-writer-thread.js';

test('LogWriterThread writes every byte of text offered through a small ring, characters cut across its end included', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-ring-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'log');
  const fd = openSync(path, 'w');
  // 61 bytes: lines of 1-, 2-, 3- and 4-byte characters reach its end at every offset.
  const thread = new LogWriterThread(fd, 61);
  const lines = Array.from({ length: 200 }, (_, i) => `${i} é€😀 ${'x'.repeat(i % 7)}\n`);
  for (const line of lines) {
    for (let rest = line; rest.length > 0; ) {
      const taken = thread.offer(rest);
      assert.ok(taken >= 0 && taken <= rest.length);
      rest = rest.slice(taken);
      // A full ring: let the thread make room.
      if (rest.length > 0) assert.ok(thread.drainSync(Date.now() + 5000), 'the thread drains');
    }
  }
  assert.ok(thread.drainSync(Date.now() + 5000));
  closeSync(fd);
  assert.equal(readFileSync(path, 'utf8'), lines.join(''));
});
