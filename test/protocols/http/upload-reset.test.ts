/**
 * A PUT whose body is cut, by the client's reset or by an early FIN, stores nothing: no file
 * under the final name and no temporary file beside it. An upload lands whole or not at all.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type HttpHandler, uploadFiles } from '../../../src/protocols/http/index.js';
import { type CutHow, cuttingPeer } from '../../support/reset-peer.js';
import { startTestServer, type TestServer } from './support/server.js';

const BODY = Buffer.alloc(1_048_576, 0x42);
const CUT_AT = 300_000;

let root: string;
let server: TestServer;
/** Resolves when the upload handler's current call has settled. */
let settled: Promise<void> = Promise.resolve();
let settle: () => void = () => {};

/** The upload handler, telling the test when each call is over (however it ended). */
function watched(handler: HttpHandler): HttpHandler {
  return {
    match: (request) => handler.match(request),
    async handle(request, response) {
      try {
        await handler.handle(request, response);
      } finally {
        settle();
      }
    },
  };
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'polyport-upload-reset-'));
  server = await startTestServer([watched(uploadFiles({ root, prefix: '/up/' }))]);
});
after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Sends `head` and the first `CUT_AT` bytes of the body, then cuts; waits for the handler. */
async function cutUpload(head: string, body: Buffer, how: CutHow): Promise<void> {
  settled = new Promise((resolve) => {
    settle = resolve;
  });
  const peer = await cuttingPeer(server.port);
  await peer.cut(Buffer.concat([Buffer.from(head), body]), how);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    settled,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the upload handler never ended')), 20_000);
    }),
  ]).finally(() => clearTimeout(timer));
}

function leftovers(): string[] {
  return readdirSync(root).filter((n) => n.includes('.upload-'));
}

for (const how of ['reset', 'end'] as const) {
  const by = how === 'reset' ? 'a reset' : 'an early FIN';

  test(`a Content-Length PUT cut by ${by} mid-body stores nothing`, async () => {
    const name = `length-${how}.bin`;
    const head = `PUT /up/${name} HTTP/1.1\r\nHost: t\r\nContent-Length: ${BODY.length}\r\n\r\n`;
    await cutUpload(head, BODY.subarray(0, CUT_AT), how);
    assert.equal(existsSync(join(root, name)), false);
    assert.deepEqual(leftovers(), []);
  });

  test(`a chunked PUT cut by ${by} mid-chunk stores nothing`, async () => {
    const name = `chunked-${how}.bin`;
    const head = `PUT /up/${name} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = Buffer.concat([Buffer.from(`${BODY.length.toString(16)}\r\n`), BODY]);
    await cutUpload(head, chunk.subarray(0, CUT_AT), how);
    assert.equal(existsSync(join(root, name)), false);
    assert.deepEqual(leftovers(), []);
  });
}

test('a PUT whose whole body arrived before a reset is stored whole', async () => {
  // The body is complete: the client's later reset does not undo an upload that arrived.
  const head = `PUT /up/whole.bin HTTP/1.1\r\nHost: t\r\nContent-Length: ${BODY.length}\r\n\r\n`;
  await cutUpload(head, BODY, 'reset');
  const stored = existsSync(join(root, 'whole.bin')) ? readFileSync(join(root, 'whole.bin')) : null;
  assert.ok(stored === null || stored.equals(BODY), 'either nothing or the whole body');
  assert.deepEqual(leftovers(), []);
});
