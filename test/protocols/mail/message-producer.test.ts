import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { DotStuffer, MessageProducer } from '../../../src/protocols/mail/index.js';
import { chunkings } from '../../../src/testing/index.js';

async function drain(producer: MessageProducer): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const chunk = await producer.more();
    if (chunk.length === 0) return Buffer.concat(parts);
    parts.push(chunk);
  }
}

const message = Buffer.from('Subject: x\r\n\r\n.one\r\ntwo\r\n.\r\nfour\r\n');

test('MessageProducer stuffs a message however it is cut exactly as DotStuffer does whole', async () => {
  const stuffer = new DotStuffer();
  const expected = Buffer.concat([stuffer.push(message), stuffer.end()]);
  for (const { label, chunks } of chunkings(message)) {
    let done: boolean | undefined;
    const producer = new MessageProducer(Readable.from(chunks), {
      onDone: (complete) => {
        done = complete;
      },
    });
    assert.deepEqual(await drain(producer), expected, label);
    assert.equal(done, true, label);
  }
});

test('MessageProducer reads one chunk per call, so a slow client leaves the rest unread', async () => {
  let pulled = 0;
  async function* source(): AsyncGenerator<Buffer> {
    for (let i = 0; i < 100; i++) {
      pulled++;
      yield Buffer.from(`line ${i}\r\n`);
    }
  }
  const producer = new MessageProducer(Readable.from(source(), { highWaterMark: 1 }));
  await producer.more();
  assert.ok(pulled < 10, `pulled ${pulled} chunks for one more()`);
  producer.close();
});

test('MessageProducer for TOP stops after the header and the asked body lines', async () => {
  const producer = new MessageProducer(Readable.from([message]), { bodyLines: 1 });
  assert.equal((await drain(producer)).toString(), 'Subject: x\r\n\r\n..one\r\n.\r\n');
});

test('MessageProducer closed early reports an incomplete transfer', async () => {
  let done: boolean | undefined;
  const producer = new MessageProducer(Readable.from([message, message]), {
    onDone: (complete) => {
      done = complete;
    },
  });
  await producer.more();
  producer.close();
  assert.equal(done, false);
  assert.equal((await producer.more()).length, 0);
});

test('MessageProducer rejects when the message cannot be read', async () => {
  const failing = new Readable({
    read() {
      this.destroy(new Error('disk on fire'));
    },
  });
  await assert.rejects(new MessageProducer(failing).more(), /disk on fire/);
});
